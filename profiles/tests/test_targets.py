"""The targets module: exact numbers for known cases, the floor, unspecified sex, macros."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from profiles.choices import ActivityLevel, Goal, Sex
from profiles.targets import (
    NutritionTargets,
    age_in_years,
    missing_for_targets,
    nutrition_targets,
)


def targets(**overrides):
    body = {
        "sex": "male",
        "age_years": 30,
        "height_cm": Decimal("180.0"),
        "weight_kg": Decimal("80.00"),
        "activity_level": "moderate",
        "goal": "maintain",
        "weekly_pace_kg": None,
    }
    return nutrition_targets(**{**body, **overrides})


def test_a_man_maintaining_gets_mifflin_st_jeor_times_the_activity_factor():
    # BMR 10*80 + 6.25*180 - 5*30 + 5 = 1780; TDEE 1780 * 1.55 = 2759.
    # Protein 1.6 g/kg = 128 g (512 kcal); fat 28 % of 2759 / 9 = 85.8 -> 86 g (774 kcal);
    # carbohydrate (2759 - 512 - 774) / 4 = 368.25 -> 368 g.
    assert targets() == NutritionTargets(
        bmr_kcal=1780,
        tdee_kcal=2759,
        calorie_target_kcal=2759,
        protein_g=128,
        carbs_g=368,
        fat_g=86,
        floor_applied=False,
    )


def test_losing_subtracts_the_weekly_pace_spread_over_the_week():
    # 0.5 kg/week * 7700 / 7 = 550 kcal/day below 2759.
    result = targets(goal="lose", weekly_pace_kg=Decimal("0.5"))

    assert result.calorie_target_kcal == 2209
    assert result.floor_applied is False
    assert result.protein_g == 128
    assert result.fat_g == 69  # 2209 * 0.28 / 9 = 68.7
    assert result.carbs_g == 269  # (2209 - 512 - 621) / 4


def test_gaining_adds_a_surplus_and_more_protein():
    # 2759 + 0.25 * 1100 = 3034; protein 1.8 g/kg = 144 g; fat 94.4 -> 94 g;
    # carbohydrate (3034 - 576 - 846) / 4 = 403 g.
    assert targets(goal="gain", weekly_pace_kg=Decimal("0.25")) == NutritionTargets(
        bmr_kcal=1780,
        tdee_kcal=2759,
        calorie_target_kcal=3034,
        protein_g=144,
        carbs_g=403,
        fat_g=94,
        floor_applied=False,
    )


def test_the_floor_is_the_bmr_when_the_bmr_is_above_the_sex_floor():
    # A woman of 25, 165 cm, 60 kg, lightly active: BMR 600 + 1031.25 - 125 - 161 = 1345.25,
    # TDEE 1849.72; losing 0.5 kg/week would mean 1299.72 kcal, below her BMR.
    result = targets(
        sex="female",
        age_years=25,
        height_cm=Decimal("165.0"),
        weight_kg=Decimal("60.00"),
        activity_level="light",
        goal="lose",
        weekly_pace_kg=Decimal("0.5"),
    )

    # Protein 96 g (384 kcal); fat 1345 * 0.28 / 9 = 41.8 -> 42 g (378 kcal);
    # carbohydrate (1345 - 384 - 378) / 4 = 145.75 -> 146 g.
    assert result == NutritionTargets(
        bmr_kcal=1345,
        tdee_kcal=1850,
        calorie_target_kcal=1345,
        protein_g=96,
        carbs_g=146,
        fat_g=42,
        floor_applied=True,
    )


def test_the_floor_is_the_sex_floor_for_a_small_body():
    # A woman of 60, 150 cm, 45 kg: BMR 450 + 937.5 - 300 - 161 = 926.5; sedentary TDEE
    # 1111.8; the female floor of 1200 applies, even to maintain.
    for goal, pace in (("lose", Decimal("0.5")), ("maintain", None)):
        result = targets(
            sex="female",
            age_years=60,
            height_cm=Decimal("150.0"),
            weight_kg=Decimal("45.00"),
            activity_level="sedentary",
            goal=goal,
            weekly_pace_kg=pace,
        )

        assert result == NutritionTargets(
            bmr_kcal=927,
            tdee_kcal=1112,
            calorie_target_kcal=1200,
            protein_g=72,
            carbs_g=145,  # (1200 - 288 - 333) / 4 = 144.75
            fat_g=37,  # 1200 * 0.28 / 9 = 37.3
            floor_applied=True,
        )


@pytest.mark.parametrize(
    ("sex", "floor"), [("female", 1200), ("male", 1500), ("unspecified", 1350)]
)
def test_each_sex_has_its_floor(sex, floor):
    # A tiny, old, sedentary body trying to lose fast: the sex floor is above the BMR.
    result = targets(
        sex=sex,
        age_years=90,
        height_cm=Decimal("140.0"),
        weight_kg=Decimal("35.00"),
        activity_level="sedentary",
        goal="lose",
        weekly_pace_kg=Decimal("1.0"),
    )

    assert result.calorie_target_kcal == floor
    assert result.floor_applied is True


def test_unspecified_sex_averages_the_female_and_male_formulas():
    body = {"age_years": 40, "height_cm": Decimal("170.0"), "weight_kg": Decimal("70.00")}
    male, female, unspecified = (
        targets(sex=sex, **body) for sex in ("male", "female", "unspecified")
    )

    # 700 + 1062.5 - 200 = 1562.5; +5 = 1567.5, -161 = 1401.5, -78 = 1484.5
    assert (male.bmr_kcal, female.bmr_kcal, unspecified.bmr_kcal) == (1568, 1402, 1485)
    assert unspecified.tdee_kcal == 2301  # 1484.5 * 1.55 = 2300.975


@pytest.mark.parametrize(
    ("level", "tdee"),
    [
        ("sedentary", 2136),
        ("light", 2448),
        ("moderate", 2759),
        ("active", 3071),
        ("very_active", 3382),
    ],
)
def test_activity_factors(level, tdee):
    # 1780 x 1.2, 1.375, 1.55, 1.725, 1.9
    assert targets(activity_level=level).tdee_kcal == tdee


def test_when_protein_and_fat_leave_no_room_protein_gives_way_and_carbs_are_zero():
    # The extreme corner of the accepted ranges: 400 kg, 50 cm, 120 years, losing.
    # BMR 4000 + 312.5 - 600 - 161 = 3551.5 is the floor: 3552 kcal. Fat 111 g (999 kcal);
    # protein at 1.6 g/kg would be 640 g (2560 kcal), 7 kcal too many: it becomes
    # (3552 - 999) / 4 = 638.25 -> 638 g, and carbohydrate 0.
    result = targets(
        sex="female",
        age_years=120,
        height_cm=Decimal("50.0"),
        weight_kg=Decimal("400.00"),
        activity_level="sedentary",
        goal="lose",
        weekly_pace_kg=Decimal("1.0"),
    )

    assert result == NutritionTargets(
        bmr_kcal=3552,
        tdee_kcal=4262,
        calorie_target_kcal=3552,
        protein_g=638,
        carbs_g=0,
        fat_g=111,
        floor_applied=True,
    )


def test_losing_or_gaining_without_a_pace_is_a_programming_error():
    with pytest.raises(ValueError, match="weekly pace"):
        targets(goal="lose", weekly_pace_kg=None)


@given(
    sex=st.sampled_from(Sex.values),
    age=st.integers(13, 120),
    height=st.decimals("50.0", "272.0", places=1),
    weight=st.decimals("20.00", "400.00", places=2),
    level=st.sampled_from(ActivityLevel.values),
    goal=st.sampled_from(Goal.values),
    pace=st.decimals("0.10", "0.50", places=2),
)
@settings(max_examples=300, deadline=None, derandomize=True)
def test_targets_are_coherent_over_the_whole_accepted_range(
    sex, age, height, weight, level, goal, pace
):
    result = nutrition_targets(
        sex=sex,
        age_years=age,
        height_cm=height,
        weight_kg=weight,
        activity_level=level,
        goal=goal,
        weekly_pace_kg=pace,
    )

    floor = {"female": 1200, "male": 1500, "unspecified": 1350}[sex]
    assert result.calorie_target_kcal >= max(floor, result.bmr_kcal)
    assert result.carbs_g >= 0
    assert 0 <= result.protein_g <= weight * Decimal("2.2")
    assert result.fat_g > 0
    macro_kcal = 4 * result.protein_g + 4 * result.carbs_g + 9 * result.fat_g
    assert abs(macro_kcal - result.calorie_target_kcal) <= 4
    if goal == "gain":
        assert result.calorie_target_kcal > result.tdee_kcal


def test_missing_fields_are_listed_in_a_stable_order():
    assert missing_for_targets(date_of_birth=None, sex=None, height_cm=None, weight_kg=None) == [
        "date_of_birth",
        "sex",
        "height_cm",
        "weight_kg",
    ]
    assert missing_for_targets(
        date_of_birth=datetime.date(1990, 1, 1), sex="male", height_cm=None, weight_kg=Decimal(70)
    ) == ["height_cm"]
    assert (
        missing_for_targets(
            date_of_birth=datetime.date(1990, 1, 1),
            sex="unspecified",
            height_cm=Decimal(170),
            weight_kg=Decimal(70),
        )
        == []
    )


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (datetime.date(1990, 6, 15), datetime.date(2025, 6, 14), 34),
        (datetime.date(1990, 6, 15), datetime.date(2025, 6, 15), 35),
        (datetime.date(2000, 2, 29), datetime.date(2025, 2, 28), 24),
        (datetime.date(2000, 2, 29), datetime.date(2025, 3, 1), 25),
        (datetime.date(2000, 2, 29), datetime.date(2024, 2, 29), 24),
    ],
)
def test_age_in_completed_years(born, on, age):
    assert age_in_years(born=born, on=on) == age
