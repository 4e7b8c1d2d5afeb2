"""Celery tasks of the nutrition app: thin wrappers that take ids and call services."""

from __future__ import annotations

from celery import shared_task

from nutrition.services.plans import meal_plan_generate_run


@shared_task
def meal_plan_generate_task(*, plan_id: str) -> str:
    """Generate a pending plan with the OpenAI engine (our engine as its fallback). Safe to
    run twice: a plan that is no longer pending is left alone."""
    return meal_plan_generate_run(plan_id=plan_id)


@shared_task
def meal_plans_pending_sweep() -> int:
    """Re-drive plans left pending (a lost task, a worker that died): every plan pending for
    more than ``PENDING_STALE`` is queued again. Answers how many."""
    from nutrition.selectors import meal_plans_stale_pending

    plan_ids = meal_plans_stale_pending()
    for plan_id in plan_ids:
        meal_plan_generate_task.delay(plan_id=str(plan_id))
    return len(plan_ids)
