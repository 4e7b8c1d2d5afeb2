"""Daily energy and macronutrient targets from body data: pure functions, no database.

The rules, in order (all energies in kcal per day):

1. **BMR**, Mifflin-St Jeor: ``10 * kg + 6.25 * cm - 5 * age + s`` with ``s = +5`` (male),
   ``-161`` (female), ``-78`` (unspecified: the average of the two formulas).
2. **TDEE** = BMR x the activity factor (sedentary 1.2, light 1.375, moderate 1.55,
   active 1.725, very active 1.9).
3. **Calorie target** = TDEE for *maintain*; TDEE -/+ ``pace_kg_per_week * 7700 / 7`` for
   *lose* / *gain* (7700 kcal per kg of body weight, so 1100 kcal a day per kg a week).
4. **Safe floor**: the target is never below ``max(sex floor, BMR)``, sex floor 1200 (female),
   1500 (male), 1350 (unspecified). ``floor_applied`` says when it lifted the target.
5. **Macros** from the (rounded) calorie target: protein 1.6 g/kg body weight (lose,
   maintain) or 1.8 g/kg (gain), never above 2.2 g/kg; fat 28 % of the calories; carbohydrate
   the remaining calories. When protein and fat leave nothing for carbohydrate (only at the
   extremes of the accepted ranges), protein is reduced to what fits and carbohydrate is 0.
   4 kcal/g protein and carbohydrate, 9 kcal/g fat.

Arithmetic is exact (Decimal); kcal and grams are rounded half up to whole numbers at the end,
so ``4 * protein_g + 4 * carbs_g + 9 * fat_g`` is within a few kcal of the calorie target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from profiles.choices import ActivityLevel, Goal, Sex

MIFFLIN_SEX_CONSTANT: dict[str, Decimal] = {
    Sex.MALE: Decimal(5),
    Sex.FEMALE: Decimal(-161),
    Sex.UNSPECIFIED: Decimal(-78),  # (5 + -161) / 2
}
ACTIVITY_FACTORS: dict[str, Decimal] = {
    ActivityLevel.SEDENTARY: Decimal("1.2"),
    ActivityLevel.LIGHT: Decimal("1.375"),
    ActivityLevel.MODERATE: Decimal("1.55"),
    ActivityLevel.ACTIVE: Decimal("1.725"),
    ActivityLevel.VERY_ACTIVE: Decimal("1.9"),
}
CALORIE_FLOOR_KCAL: dict[str, Decimal] = {
    Sex.FEMALE: Decimal(1200),
    Sex.MALE: Decimal(1500),
    Sex.UNSPECIFIED: Decimal(1350),
}
KCAL_PER_KG_BODY_WEIGHT = Decimal(7700)
DAYS_PER_WEEK = Decimal(7)
PROTEIN_G_PER_KG: dict[str, Decimal] = {
    Goal.LOSE: Decimal("1.6"),
    Goal.MAINTAIN: Decimal("1.6"),
    Goal.GAIN: Decimal("1.8"),
}
PROTEIN_MAX_G_PER_KG = Decimal("2.2")
FAT_SHARE_OF_CALORIES = Decimal("0.28")
KCAL_PER_G_PROTEIN = 4
KCAL_PER_G_CARBS = 4
KCAL_PER_G_FAT = 9

# What the formulas need from a profile, in the order the API lists missing ones.
REQUIRED_FIELDS = ("date_of_birth", "sex", "height_cm", "weight_kg")


@dataclass(frozen=True)
class NutritionTargets:
    """Daily targets. The meal-plan generator plans against these."""

    bmr_kcal: int
    tdee_kcal: int
    calorie_target_kcal: int
    protein_g: int
    carbs_g: int
    fat_g: int
    floor_applied: bool


def age_in_years(*, born: date, on: date) -> int:
    """Completed years of age on a date (a 29 February birthday counts on 1 March)."""
    had_birthday = (on.month, on.day) >= (born.month, born.day)
    return on.year - born.year - (0 if had_birthday else 1)


def missing_for_targets(
    *,
    date_of_birth: date | None,
    sex: str | None,
    height_cm: Decimal | None,
    weight_kg: Decimal | None,
) -> list[str]:
    """The profile fields the targets need and do not have yet (empty when computable)."""
    present = {
        "date_of_birth": date_of_birth,
        "sex": sex,
        "height_cm": height_cm,
        "weight_kg": weight_kg,
    }
    return [name for name in REQUIRED_FIELDS if present[name] is None]


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def nutrition_targets(
    *,
    sex: str,
    age_years: int,
    height_cm: Decimal,
    weight_kg: Decimal,
    activity_level: str,
    goal: str,
    weekly_pace_kg: Decimal | None,
) -> NutritionTargets:
    """Compute the daily targets (see the module docstring for the rules).

    ``weekly_pace_kg`` is ignored for *maintain* and required (positive) otherwise.
    """
    weight = Decimal(weight_kg)
    bmr = (
        10 * weight
        + Decimal("6.25") * Decimal(height_cm)
        - 5 * age_years
        + MIFFLIN_SEX_CONSTANT[sex]
    )
    tdee = bmr * ACTIVITY_FACTORS[activity_level]

    if goal == Goal.MAINTAIN:
        target = tdee
    else:
        if weekly_pace_kg is None or weekly_pace_kg <= 0:
            raise ValueError(f"a positive weekly pace is required to {goal} weight")
        daily_change = Decimal(weekly_pace_kg) * KCAL_PER_KG_BODY_WEIGHT / DAYS_PER_WEEK
        target = tdee - daily_change if goal == Goal.LOSE else tdee + daily_change

    floor = max(CALORIE_FLOOR_KCAL[sex], bmr)
    floor_applied = target < floor
    calories = _whole(max(target, floor))

    protein_per_kg = min(PROTEIN_G_PER_KG[goal], PROTEIN_MAX_G_PER_KG)
    protein_g = _whole(weight * protein_per_kg)
    fat_g = _whole(calories * FAT_SHARE_OF_CALORIES / KCAL_PER_G_FAT)
    carbs_kcal = calories - KCAL_PER_G_PROTEIN * protein_g - KCAL_PER_G_FAT * fat_g
    if carbs_kcal < 0:
        # Protein and fat alone exceed the calories: protein gives way, carbohydrate is 0.
        fits = Decimal(calories - KCAL_PER_G_FAT * fat_g) / KCAL_PER_G_PROTEIN
        protein_g = int(fits.to_integral_value(rounding=ROUND_FLOOR))
        carbs_g = 0
    else:
        carbs_g = _whole(Decimal(carbs_kcal) / KCAL_PER_G_CARBS)

    return NutritionTargets(
        bmr_kcal=_whole(bmr),
        tdee_kcal=_whole(tdee),
        calorie_target_kcal=calories,
        protein_g=protein_g,
        carbs_g=carbs_g,
        fat_g=fat_g,
        floor_applied=floor_applied,
    )
