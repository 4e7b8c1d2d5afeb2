"""Metric to imperial, for presentation only (storage and input stay metric)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

KG_PER_LB = Decimal("0.45359237")  # exact, by definition
CM_PER_INCH = Decimal("2.54")  # exact, by definition
INCHES_PER_FOOT = 12


@dataclass(frozen=True)
class ImperialDisplay:
    """The profile's quantities in imperial units, rounded for display."""

    height: str | None  # "5 ft 9 in"
    height_in: Decimal | None  # 68.9
    weight_lb: Decimal | None  # 154.3
    target_weight_lb: Decimal | None


def _tenths(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def kg_to_lb(kg: Decimal) -> Decimal:
    """Pounds to 0.1 lb."""
    return _tenths(Decimal(kg) / KG_PER_LB)


def cm_to_inches(cm: Decimal) -> Decimal:
    """Inches to 0.1 in."""
    return _tenths(Decimal(cm) / CM_PER_INCH)


def cm_to_feet_inches(cm: Decimal) -> str:
    """Feet and whole inches, the way people say their height: 175 cm is "5 ft 9 in"."""
    inches = int((Decimal(cm) / CM_PER_INCH).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    feet, rest = divmod(inches, INCHES_PER_FOOT)
    return f"{feet} ft {rest} in"


def imperial_display(
    *,
    height_cm: Decimal | None,
    weight_kg: Decimal | None,
    target_weight_kg: Decimal | None,
) -> ImperialDisplay:
    return ImperialDisplay(
        height=None if height_cm is None else cm_to_feet_inches(height_cm),
        height_in=None if height_cm is None else cm_to_inches(height_cm),
        weight_lb=None if weight_kg is None else kg_to_lb(weight_kg),
        target_weight_lb=None if target_weight_kg is None else kg_to_lb(target_weight_kg),
    )
