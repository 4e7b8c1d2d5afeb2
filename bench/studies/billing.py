"""Billing: the webhook replay storm.

2,000 Stripe-signed deliveries of 300 distinct events for 100 users' subscriptions (each event
sent once, then duplicated at random: 1,700 replays), shuffled, sent by 16 concurrent clients
to the gunicorn server. Stripe's API is a stand-in in this process
(``bench.stripe_standin``) answering each subscription's current state, as the handlers
re-read it. Per user: ``customer.subscription.created``, the first ``invoice.paid``, then a
renewal paid (40 users), the subscription deleted (30) or a renewal failed with the
subscription past due (30).

Checked exactly afterwards (``bench.billing_tasks``): every subscription's status, every
payment (id, kind, amount, status), one entitlement per subscription, 70 premium users, 300
events stored and processed (one entitlement per subscription that gave access; the deleted
ones never did, since Stripe already says canceled when they are read); and the answers:
300 ``duplicate: false`` and 1,700 ``duplicate: true`` (0 double grants, 0 lost events).
Figure: deliveries/s.
"""

from __future__ import annotations

import http.client
import json
import queue
import random
import threading
import time
from typing import Any

import stripe

from bench import BenchError
from bench.context import Context
from bench.server import HOST
from bench.stripe_standin import WEBHOOK_SECRET, StripeStandIn
from bench.studies import Check, Study, StudyResult, register

USERS = 100
DELIVERIES = 2_000
CLIENTS = 16
SEED = 20261126
PATH = "/api/payments/webhooks/stripe"
PRICE_ID = "price_bench_monthly"
MONTH = 30 * 86400


def _group(i: int) -> str:
    return "renewed" if i < 40 else "deleted" if i < 70 else "past_due"


def _subscription(i: int, user_ref: str, status: str, start: int) -> dict[str, Any]:
    return {
        "id": f"sub_bench_{i:03d}",
        "object": "subscription",
        "customer": f"cus_bench_{i:03d}",
        "status": status,
        "cancel_at_period_end": False,
        "canceled_at": start + 600 if status == "canceled" else None,
        "created": start,
        "metadata": {"user_id": user_ref},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": f"si_bench_{i:03d}",
                    "object": "subscription_item",
                    "price": {
                        "id": PRICE_ID,
                        "object": "price",
                        "currency": "eur",
                        "unit_amount": 999,
                        "recurring": {"interval": "month"},
                    },
                    "quantity": 1,
                    "current_period_start": start,
                    "current_period_end": start + MONTH,
                }
            ],
        },
        "latest_invoice": None,
    }


def _invoice(i: int, n: int, *, paid: bool, reason: str) -> dict[str, Any]:
    return {
        "id": f"in_bench_{i:03d}_{n}",
        "object": "invoice",
        "status": "paid" if paid else "open",
        "amount_due": 999,
        "amount_paid": 999 if paid else 0,
        "currency": "eur",
        "customer": f"cus_bench_{i:03d}",
        "billing_reason": reason,
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": f"sub_bench_{i:03d}"},
        },
    }


def _event(event_id: str, event_type: str, obj: dict[str, Any], created: int) -> str:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2026-10-28.endive",
            "created": created,
            "livemode": False,
            "type": event_type,
            "data": {"object": obj},
        }
    )


def build(users: list[str]) -> tuple[dict[str, dict[str, Any]], list[str], dict[str, Any]]:
    """Stripe's final state, the 300 distinct events and the expected end state."""
    start = int(time.time()) - 3600
    final: dict[str, dict[str, Any]] = {}
    events: list[str] = []
    subscriptions: dict[str, str] = {}
    payments: list[list[Any]] = []
    for i, user_ref in enumerate(users):
        group = _group(i)
        stripe_status = {"renewed": "active", "deleted": "canceled", "past_due": "past_due"}[group]
        final[f"sub_bench_{i:03d}"] = _subscription(i, user_ref, stripe_status, start)
        subscriptions[f"sub_bench_{i:03d}"] = {
            "renewed": "active",
            "deleted": "canceled",
            "past_due": "billing_retry",
        }[group]
        created = _subscription(i, user_ref, "active", start)
        events.append(
            _event(f"evt_storm_{i:03d}_1", "customer.subscription.created", created, start)
        )
        events.append(
            _event(
                f"evt_storm_{i:03d}_2",
                "invoice.paid",
                _invoice(i, 1, paid=True, reason="subscription_create"),
                start + 1,
            )
        )
        payments.append([f"in_bench_{i:03d}_1", "charge", 999, "succeeded"])
        if group == "renewed":
            events.append(
                _event(
                    f"evt_storm_{i:03d}_3",
                    "invoice.paid",
                    _invoice(i, 2, paid=True, reason="subscription_cycle"),
                    start + 2,
                )
            )
            payments.append([f"in_bench_{i:03d}_2", "renewal", 999, "succeeded"])
        elif group == "deleted":
            events.append(
                _event(
                    f"evt_storm_{i:03d}_3",
                    "customer.subscription.deleted",
                    final[f"sub_bench_{i:03d}"],
                    start + 2,
                )
            )
        else:
            events.append(
                _event(
                    f"evt_storm_{i:03d}_3",
                    "invoice.payment_failed",
                    _invoice(i, 2, paid=False, reason="subscription_cycle"),
                    start + 2,
                )
            )
            payments.append([f"in_bench_{i:03d}_2", "renewal", 999, "failed"])
    expected = {
        "subscriptions": subscriptions,
        "payments": sorted(payments),
        # Stripe is re-read on every event and already says "canceled" for the deleted ones:
        # they never had access, so only the other 70 subscriptions have an entitlement row.
        "entitlements_per_subscription": {
            "1": sum(1 for i in range(len(users)) if _group(i) != "deleted")
        },
        "entitlements_without_subscription": 0,
        "premium_users": sum(1 for i in range(len(users)) if _group(i) != "deleted"),
        "events_stored": len(events),
        "events_processed": len(events),
    }
    return final, events, expected


def _send_all(port: int, deliveries: list[str]) -> tuple[float, list[tuple[int, bytes]]]:
    work: queue.Queue[tuple[int, str]] = queue.Queue()
    for n, body in enumerate(deliveries):
        work.put((n, body))
    answers: list[tuple[int, bytes]] = [(0, b"")] * len(deliveries)
    barrier = threading.Barrier(CLIENTS + 1)

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        barrier.wait()
        while True:
            try:
                n, body = work.get_nowait()
            except queue.Empty:
                break
            header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
            try:
                conn.request(
                    "POST",
                    PATH,
                    body=body.encode(),
                    headers={"Content-Type": "application/json", "Stripe-Signature": header},
                )
                response = conn.getresponse()
                answers[n] = (response.status, response.read())
            except (OSError, http.client.HTTPException) as exc:
                answers[n] = (-1, repr(exc).encode())
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=60)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - began, answers


@register
class BillingReplayStorm(Study):
    name = "billing-replay-storm"
    description = (
        "2,000 Stripe-signed webhook deliveries (300 distinct events, 100 users, duplicates, "
        "shuffled), 16 concurrent clients; end state checked exactly"
    )
    targets = ("0 double grants, 0 lost events", "deliveries/s reported")
    order = 60

    def run(self, ctx: Context, result: StudyResult) -> None:
        users = ctx.django("billing-storm-setup")["users"]
        if len(users) != USERS:
            raise BenchError(f"billing-storm-setup made {len(users)} users, not {USERS}")
        final, events, expected = build(users)
        rng = random.Random(SEED)
        deliveries = events + rng.choices(events, k=DELIVERIES - len(events))
        rng.shuffle(deliveries)
        with StripeStandIn(final):
            seconds, answers = _send_all(ctx.port, deliveries)
        statuses: dict[int, int] = {}
        fresh = duplicates = 0
        for status, body in answers:
            statuses[status] = statuses.get(status, 0) + 1
            if status == 200:
                if json.loads(body)["duplicate"]:
                    duplicates += 1
                else:
                    fresh += 1
        got = ctx.django("billing-storm-verify")
        lost = expected["events_processed"] - got["events_processed"]
        double = fresh - len(events) if fresh > len(events) else 0
        result.details.update(
            statuses={str(k): v for k, v in statuses.items()},
            fresh=fresh,
            duplicates=duplicates,
            seconds=seconds,
        )
        result.figure("deliveries_per_s", "deliveries/s", DELIVERIES / seconds, "/s", digits=0)
        result.figure("wall_s", "wall time", seconds, "s", digits=2)
        result.figure(
            "double_grants",
            "double grants (events applied twice)",
            double,
            "",
            Check("<=", 0),
            digits=0,
        )
        result.figure("lost_events", "lost events", lost, "", Check("<=", 0), digits=0)
        if statuses != {200: DELIVERIES}:
            result.problems.append(f"answers were not all 200: {statuses}")
        if (fresh, duplicates) != (len(events), DELIVERIES - len(events)):
            result.problems.append(
                f"{fresh} deliveries processed and {duplicates} acknowledged as replays; "
                f"expected {len(events)} and {DELIVERIES - len(events)}"
            )
        for key, want in expected.items():
            if got.get(key) != want:
                result.problems.append(
                    f"{key}: got {str(got.get(key))[:300]}, expected {str(want)[:300]}"
                )
