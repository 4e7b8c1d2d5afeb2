"""A stand-in for the one Stripe endpoint the webhook handlers call (GET
/v1/subscriptions/:id), for the billing replay storm: a threaded HTTP server in the bench
process answering each subscription's current state in the pinned API version's shape.

Its port is chosen when the server environment is built (``app_env`` puts
``STRIPE_API_BASE`` on it), and the storm starts it there before sending events.
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

from bench.server import HOST, free_port

PORT = free_port()
SECRET_KEY = "sk_test_bench"
WEBHOOK_SECRET = f"whsec_bench_{secrets.token_hex(16)}"


def server_env() -> dict[str, str]:
    """What the API server needs to use this stand-in and accept our signed events."""
    return {
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": f"http://{HOST}:{PORT}",
        "STRIPE_MAX_NETWORK_RETRIES": "0",
    }


class _Handler(BaseHTTPRequestHandler):
    subscriptions: ClassVar[dict[str, dict[str, Any]]] = {}
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        prefix = "/v1/subscriptions/"
        sub_id = self.path[len(prefix) :].split("?")[0] if self.path.startswith(prefix) else ""
        obj = self.subscriptions.get(sub_id)
        if obj is None:
            body = json.dumps({"error": {"type": "invalid_request_error", "message": "No such"}})
            self._send(404, body)
            return
        self._send(200, json.dumps(obj))

    def _send(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class StripeStandIn:
    def __init__(self, subscriptions: dict[str, dict[str, Any]]) -> None:
        _Handler.subscriptions = subscriptions
        self.httpd = ThreadingHTTPServer((HOST, PORT), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StripeStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
