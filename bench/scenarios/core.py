"""The reference points: liveness (no auth) and the authenticated baseline."""

from __future__ import annotations

from bench.context import Context
from bench.scenarios import BASELINE, Phase, Scenario, register
from bench.wrk import Load


@register
class Baseline(Scenario):
    """A constant answer behind the same authentication as every API call: the reference."""

    name = BASELINE
    path = "/api/bench/baseline"
    description = "GET /api/bench/baseline with a bench user's Bearer access token"
    order = 0

    def prepare(self, ctx: Context) -> None:
        self.access = ctx.django("access-token", "--email", "bench-baseline@example.com")["access"]

    def load(self, ctx: Context, phase: Phase) -> Load:
        return Load(headers={"Authorization": f"Bearer {self.access}"})


@register
class Healthz(Scenario):
    name = "healthz"
    path = "/healthz"
    description = "GET /healthz (no authentication, touches nothing)"
    order = 10
