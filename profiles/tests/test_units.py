"""Metric to imperial, for display."""

from decimal import Decimal

import pytest

from profiles.units import cm_to_feet_inches, cm_to_inches, kg_to_lb


@pytest.mark.parametrize(
    ("cm", "shown"),
    [
        ("175", "5 ft 9 in"),  # 68.9 in
        ("152.4", "5 ft 0 in"),
        ("181.61", "6 ft 0 in"),  # 71.5 in rounds up to a whole foot: never "5 ft 12 in"
        ("181.5", "5 ft 11 in"),
        ("50", "1 ft 8 in"),
        ("272", "8 ft 11 in"),
    ],
)
def test_heights_are_shown_in_feet_and_whole_inches(cm, shown):
    assert cm_to_feet_inches(Decimal(cm)) == shown


@pytest.mark.parametrize(
    ("kg", "lb"), [("70", "154.3"), ("100", "220.5"), ("20", "44.1"), ("400", "881.8")]
)
def test_weights_are_shown_in_pounds_to_a_tenth(kg, lb):
    assert kg_to_lb(Decimal(kg)) == Decimal(lb)


def test_a_pound_value_survives_the_trip_through_metric_storage():
    # An app sends 154.4 lb as kg; stored to 0.01 kg, it reads back as 154.4 lb.
    stored = (Decimal("154.4") * Decimal("0.45359237")).quantize(Decimal("0.01"))

    assert kg_to_lb(stored) == Decimal("154.4")
    assert cm_to_inches(Decimal("175.3")) == Decimal("69.0")
