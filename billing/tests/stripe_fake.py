"""A local stand-in for the Stripe API endpoints billing calls (pytest-httpserver, real HTTP),
answering objects in the pinned API version's shape (2025-03-31.basil and later: the period on
subscription items, ``latest_invoice.confirmation_secret``), plus helpers to sign webhook
events with Stripe's own scheme."""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from typing import Any

import stripe
from werkzeug import Request, Response

WEBHOOK_SECRET = "whsec_test_fitcore"
SECRET_KEY = "sk_test_fitcore"
DAY = 86400
PERIOD = {"month": 30 * DAY, "year": 365 * DAY}


def _form(request: Request) -> dict[str, Any]:
    """Stripe's form encoding (``items[0][price]=x``) back into nested data."""
    data: dict[str, Any] = {}
    for key, value in request.form.items(multi=True):
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = data
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return data


class FakeStripe:
    def __init__(self, server: Any) -> None:
        self.server = server
        self.lock = threading.Lock()
        self.ids = itertools.count(1)
        self.customers: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.payment_intents: dict[str, dict[str, Any]] = {}
        self.setup_intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.invoices: dict[str, dict[str, Any]] = {}  # subscription id -> its first invoice
        self.detached: list[str] = []
        self.prices: dict[
            str, dict[str, Any]
        ] = {}  # stripe price id -> {interval, amount, currency}
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.idempotency: dict[str, Response] = {}
        self.fail_with: int | None = None
        routes = [
            ("POST", r"^/v1/customers$", self.customer_create),
            ("POST", r"^/v1/customers/(?P<id>[^/]+)$", self.customer_update),
            ("POST", r"^/v1/subscriptions$", self.subscription_create),
            ("GET", r"^/v1/subscriptions/(?P<id>[^/]+)$", self.subscription_get),
            ("POST", r"^/v1/subscriptions/(?P<id>[^/]+)$", self.subscription_update),
            ("DELETE", r"^/v1/subscriptions/(?P<id>[^/]+)$", self.subscription_cancel),
            ("POST", r"^/v1/payment_intents$", self.payment_intent_create),
            ("POST", r"^/v1/setup_intents$", self.setup_intent_create),
            ("POST", r"^/v1/payment_methods/(?P<id>[^/]+)/detach$", self.payment_method_detach),
            ("POST", r"^/v1/refunds$", self.refund_create),
        ]
        for method, pattern, handler in routes:
            server.expect_request(re.compile(pattern), method=method).respond_with_handler(
                self._wrap(pattern, handler)
            )

    # --- plumbing ---------------------------------------------------------------------------

    def _wrap(self, pattern: str, handler: Any) -> Any:
        def respond(request: Request) -> Response:
            if self.fail_with:
                return self._error(self.fail_with, "api_error", "Stripe is having a bad day.")
            match = re.match(pattern, request.path)
            assert match is not None
            key = request.headers.get("Idempotency-Key")
            with self.lock:
                if key and request.method == "POST" and key in self.idempotency:
                    return self.idempotency[key]
                body = _form(request) if request.method == "POST" else dict(request.args)
                self.calls.append((request.method, request.path, body))
                response = handler(body, **match.groupdict())
                if key and request.method == "POST":
                    self.idempotency[key] = response
                return response

        return respond

    def _json(self, obj: Any, status: int = 200) -> Response:
        return Response(json.dumps(obj), status=status, content_type="application/json")

    def _error(self, status: int, kind: str, message: str, code: str = "") -> Response:
        error = {"type": kind, "message": message}
        if code:
            error["code"] = code
        return self._json({"error": error}, status)

    def _id(self, prefix: str) -> str:
        return f"{prefix}_test{next(self.ids):06d}"

    def price(self, price_id: str, *, interval: str, amount: int, currency: str) -> None:
        self.prices[price_id] = {"interval": interval, "amount": amount, "currency": currency}

    # --- objects ----------------------------------------------------------------------------

    def _invoice(self, sub: dict[str, Any], *, amount: int, currency: str) -> dict[str, Any]:
        invoice_id = self._id("in")
        return {
            "id": invoice_id,
            "object": "invoice",
            "status": "open" if amount else "paid",
            "amount_due": amount,
            "amount_paid": 0,
            "currency": currency,
            "customer": sub["customer"],
            "billing_reason": "subscription_create",
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": sub["id"], "metadata": {}},
            },
            "confirmation_secret": {
                "type": "payment_intent",
                "client_secret": f"pi_test_for_{invoice_id}_secret_abc",
            },
        }

    def subscription_object(
        self,
        *,
        sub_id: str,
        customer: str,
        price_id: str,
        status: str,
        start: int,
        user_ref: str = "",
        cancel_at_period_end: bool = False,
    ) -> dict[str, Any]:
        price = self.prices[price_id]
        end = start + PERIOD[price["interval"]]
        return {
            "id": sub_id,
            "object": "subscription",
            "customer": customer,
            "status": status,
            "cancel_at_period_end": cancel_at_period_end,
            "canceled_at": None,
            "created": start,
            "start_date": start,
            "metadata": {"user_id": user_ref} if user_ref else {},
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": self._id("si"),
                        "object": "subscription_item",
                        "price": {
                            "id": price_id,
                            "object": "price",
                            "currency": price["currency"],
                            "unit_amount": price["amount"],
                            "recurring": {"interval": price["interval"], "interval_count": 1},
                        },
                        "quantity": 1,
                        "current_period_start": start,
                        "current_period_end": end,
                    }
                ],
            },
            "latest_invoice": None,
        }

    # --- endpoints --------------------------------------------------------------------------

    def customer_create(self, body: dict[str, Any]) -> Response:
        cus = {"id": self._id("cus"), "object": "customer", "metadata": body.get("metadata", {})}
        cus["invoice_settings"] = {"default_payment_method": None}
        self.customers[cus["id"]] = cus
        return self._json(cus)

    def customer_update(self, body: dict[str, Any], id: str) -> Response:
        cus = self.customers[id]
        if "invoice_settings" in body:
            cus["invoice_settings"].update(body["invoice_settings"])
        return self._json(cus)

    def subscription_create(self, body: dict[str, Any]) -> Response:
        if body.get("payment_behavior") != "default_incomplete":
            return self._error(400, "invalid_request_error", "payment_behavior expected")
        price_id = body["items"]["0"]["price"]
        if price_id not in self.prices:
            return self._error(
                400, "invalid_request_error", f"No such price: '{price_id}'", "resource_missing"
            )
        trial = int(body.get("trial_period_days", 0) or 0)
        now = int(time.time())
        sub = self.subscription_object(
            sub_id=self._id("sub"),
            customer=body["customer"],
            price_id=price_id,
            status="trialing" if trial else "incomplete",
            start=now,
            user_ref=body.get("metadata", {}).get("user_id", ""),
        )
        if trial:
            sub["items"]["data"][0]["current_period_end"] = now + trial * DAY
        self.subscriptions[sub["id"]] = sub
        price = self.prices[price_id]
        invoice = self._invoice(
            sub, amount=0 if trial else price["amount"], currency=price["currency"]
        )
        self.invoices[sub["id"]] = invoice
        sub["latest_invoice"] = invoice["id"]
        return self._json(dict(sub, latest_invoice=invoice))

    def subscription_get(self, body: dict[str, Any], id: str) -> Response:
        if id not in self.subscriptions:
            return self._error(404, "invalid_request_error", f"No such subscription: '{id}'")
        sub = self.subscriptions[id]
        if body.get("expand[0]") == "latest_invoice.confirmation_secret" and id in self.invoices:
            invoice = dict(self.invoices[id])
            if sub["status"] != "incomplete":
                invoice["status"] = "paid"
            return self._json(dict(sub, latest_invoice=invoice))
        return self._json(sub)

    def subscription_update(self, body: dict[str, Any], id: str) -> Response:
        sub = self.subscriptions.get(id)
        if sub is None:
            return self._error(404, "invalid_request_error", f"No such subscription: '{id}'")
        if "cancel_at_period_end" in body:
            sub["cancel_at_period_end"] = body["cancel_at_period_end"] == "true"
        if "items" in body:
            item = body["items"]["0"]
            price_id = item["price"]
            assert item["id"] == sub["items"]["data"][0]["id"]
            assert body.get("proration_behavior") == "create_prorations"
            new = self.subscription_object(
                sub_id=id,
                customer=sub["customer"],
                price_id=price_id,
                status=sub["status"],
                start=sub["items"]["data"][0]["current_period_start"],
                cancel_at_period_end=sub["cancel_at_period_end"],
                user_ref=sub["metadata"].get("user_id", ""),
            )
            new["items"]["data"][0]["id"] = sub["items"]["data"][0]["id"]
            sub = new
        self.subscriptions[id] = sub
        return self._json(sub)

    def subscription_cancel(self, body: dict[str, Any], id: str) -> Response:
        sub = self.subscriptions[id]
        sub["status"] = "canceled"
        sub["canceled_at"] = int(time.time())
        return self._json(sub)

    def payment_intent_create(self, body: dict[str, Any]) -> Response:
        pi_id = self._id("pi")
        intent = {
            "id": pi_id,
            "object": "payment_intent",
            "amount": int(body["amount"]),
            "currency": body["currency"],
            "customer": body["customer"],
            "status": "requires_payment_method",
            "client_secret": f"{pi_id}_secret_xyz",
            "metadata": body.get("metadata", {}),
        }
        self.payment_intents[pi_id] = intent
        return self._json(intent)

    def setup_intent_create(self, body: dict[str, Any]) -> Response:
        seti = self._id("seti")
        intent = {
            "id": seti,
            "object": "setup_intent",
            "customer": body["customer"],
            "status": "requires_payment_method",
            "usage": body.get("usage", "off_session"),
            "client_secret": f"{seti}_secret_xyz",
        }
        self.setup_intents[seti] = intent
        return self._json(intent)

    def payment_method_detach(self, body: dict[str, Any], id: str) -> Response:
        self.detached.append(id)
        return self._json({"id": id, "object": "payment_method", "customer": None})

    def refund_create(self, body: dict[str, Any]) -> Response:
        pi = self.payment_intents.get(body["payment_intent"])
        amount = int(body.get("amount") or (pi["amount"] if pi else 0))
        refund = {
            "id": self._id("re"),
            "object": "refund",
            "amount": amount,
            "currency": pi["currency"] if pi else "eur",
            "payment_intent": body["payment_intent"],
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return self._json(refund)

    # --- state changes Stripe would make (then send events for) ------------------------------

    def activate(self, sub_id: str) -> dict[str, Any]:
        self.subscriptions[sub_id]["status"] = "active"
        return self.subscriptions[sub_id]


_event_ids = itertools.count(1)


def event(
    event_type: str, obj: dict[str, Any], *, created: int | None = None, event_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": event_id or f"evt_test{next(_event_ids):08d}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": created or int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "type": event_type,
        "data": {"object": obj},
    }


def signed(payload: dict[str, Any] | str, secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret)
    return body.encode(), header


def post_event(
    client: Any,
    payload: dict[str, Any],
    *,
    path: str = "/api/payments/webhooks/stripe",
    secret: str = WEBHOOK_SECRET,
) -> Any:
    body, header = signed(payload, secret)
    return client.generic(
        "POST", path, body, content_type="application/json", HTTP_STRIPE_SIGNATURE=header
    )
