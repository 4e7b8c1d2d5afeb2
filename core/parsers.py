"""Request parsers: JSON only, strict about what it accepts."""

from __future__ import annotations

import json
from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _reject_constant(value: str) -> None:
    raise ValueError(f"{value} is not valid JSON")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but refusing NaN/Infinity and a body that is not UTF-8 JSON."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        # DRF calls a parser only for a non-empty body.
        raw = stream.read()
        try:
            return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
