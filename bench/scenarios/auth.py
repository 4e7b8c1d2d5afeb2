"""Authentication endpoints."""

from __future__ import annotations

import json
import re

from bench import LUA_DIR, BenchError
from bench.context import Context
from bench.scenarios import Phase, Request, Scenario, Target, register
from bench.wrk import Load, WrkResult

TOKENS_PER_SECOND = 2000  # the estimate of the highest rate a run could reach
MARGIN = 1.5
MINIMUM_TOKENS = 20_000
_TOKENS_LINE = re.compile(r"^bench-tokens: sent=(\d+) budget=(\d+) exhausted=(\d+)$", re.M)


@register
class RefreshToken(Scenario):
    """Rotation: every request presents a different, valid, never-used refresh token.

    Tokens are minted up front (one sign-in each) into ``bench/work/refresh-tokens.txt``:
    line 0 for the preflight, then a slice for the warm-up, then one for the measured run.
    ``bench/lua/refresh_token.lua`` hands each wrk thread its own part of a slice.
    """

    name = "refresh-token"
    method = "POST"
    path = "/api/auth/refresh-token"
    description = "POST /api/auth/refresh-token, a fresh refresh token per request"
    target = Target(min_ratio=0.15)
    order = 20

    @staticmethod
    def tokens_for(seconds: int, minimum: int) -> int:
        return max(minimum, int(seconds * TOKENS_PER_SECOND * MARGIN)) if seconds else 0

    def prepare(self, ctx: Context) -> None:
        self.warmup_count = self.tokens_for(ctx.options.warmup, MINIMUM_TOKENS // 10)
        self.measure_count = self.tokens_for(ctx.options.duration, MINIMUM_TOKENS)
        self.tokens_file = ctx.work_dir / "refresh-tokens.txt"
        total = 1 + self.warmup_count + self.measure_count
        minted = ctx.django(
            "refresh-tokens",
            "--email",
            "bench-refresh@example.com",
            "--count",
            str(total),
            "--out",
            str(self.tokens_file),
        )
        print(f"    minted {minted['count']} refresh tokens in {minted['seconds']}s")

    def load(self, ctx: Context, phase: Phase) -> Load:
        first, count = (1, self.warmup_count)
        if phase == "measure":
            first, count = (1 + self.warmup_count, self.measure_count)
        return Load(
            script=LUA_DIR / "refresh_token.lua",
            script_args=(str(self.tokens_file), str(first), str(count), str(ctx.options.threads)),
        )

    def preflight(self, ctx: Context) -> Request:
        with self.tokens_file.open() as fh:
            token = fh.readline().strip()
        return Request(
            method="POST",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"refresh": token}),
        )

    def problems(self, ctx: Context, result: WrkResult) -> list[str]:
        match = _TOKENS_LINE.search(result.output)
        if match is None:
            raise BenchError("refresh_token.lua did not report its token use")
        _sent, budget, exhausted = map(int, match.groups())
        if exhausted:
            return [
                f"ran out of refresh tokens: {exhausted} requests had none left "
                f"({budget} minted for this run); raise TOKENS_PER_SECOND in {__name__}"
            ]
        return []
