"""Foods (the USDA table and users' private custom foods) with household portions, recipes made
of foods, and meal-plan templates.

Everything a recipe says about nutrition is derived, never typed in: its per-serving nutrients,
diet tags and allergens are recomputed from its ingredients by ``nutrition.services``
(``recipe_nutrients_refresh``) and stored on the row so the generator reads the whole library
in one query (``nutrition.selectors.recipes_for_planner``). A food's allergens and diet flags
are derived from its name and category by ``nutrition.classify`` when it is imported or
created.

Nutrients of a food are per 100 g of edible portion; a missing USDA value is null (never 0).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from nutrition.choices import (
    Allergen,
    DietFlag,
    DietTag,
    DietType,
    FoodSource,
    MealType,
    UsdaDataset,
)

SEARCH_CONFIG = "english"
MAX_KCAL_PER_100G = 902  # pure fat is ~900 kcal per 100 g
NUTRIENT_FIELDS = (
    "energy_kcal",
    "protein_g",
    "carbs_g",
    "fat_g",
    "fiber_g",
    "sugar_g",
    "sat_fat_g",
    "sodium_mg",
)


def _grams_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | (
        Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100})
    )


class Food(models.Model):
    """A food with its nutrients per 100 g. ``usda`` rows come from the imported table (keyed
    by USDA's own code, ``fdc_id``) and are visible to everyone; ``custom`` rows belong to one
    user and are visible to that user only."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=8, choices=FoodSource.choices)
    dataset = models.CharField(
        max_length=24, choices=UsdaDataset.choices, blank=True, help_text="USDA rows only"
    )
    fdc_id = models.CharField(  # noqa: DJ001 (null: unique among USDA rows only)
        max_length=8,
        null=True,
        blank=True,
        help_text="USDA's food code as in foods.csv (SR NDB number, zero-padded to 5, or the "
        "8-digit FNDDS food code); USDA rows only",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="custom_foods",
        db_index=False,  # nutrition_food_owner_name_idx leads with it
        help_text="custom foods only",
    )
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=120, blank=True)
    energy_kcal = models.FloatField(
        validators=[MinValueValidator(0), MaxValueValidator(MAX_KCAL_PER_100G)]
    )
    protein_g = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(100)])
    carbs_g = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(100)])
    fat_g = models.FloatField(validators=[MinValueValidator(0), MaxValueValidator(100)])
    fiber_g = models.FloatField(null=True, blank=True)
    sugar_g = models.FloatField(null=True, blank=True)
    sat_fat_g = models.FloatField(null=True, blank=True)
    sodium_mg = models.FloatField(null=True, blank=True)
    allergens = ArrayField(
        models.CharField(max_length=16, choices=Allergen.choices), default=list, blank=True
    )
    diet_flags = ArrayField(
        models.CharField(max_length=16, choices=DietFlag.choices), default=list, blank=True
    )
    # Full text over the name (english stemming: "eggs" finds "Egg"), kept by PostgreSQL.
    search_vector = models.GeneratedField(
        expression=SearchVector("name", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            # Search (nutrition.selectors.food_search_page): the public table through partial
            # indexes, a user's own foods through (owner, ...) indexes, so the cost of a search
            # does not grow with other users' custom foods. (No (owner, name trigram) index:
            # its posting lists span every user's foods, 190 ms for a typo at 1M rows, where
            # reading the user's own rows by owner costs what the user owns: 110 ms for 5,000
            # foods, 10 ms for 500.) No fast-update pending list: after
            # a bulk import it made every search scan thousands of pending entries (7 ms
            # instead of 0.3 ms for "milk" until a vacuum); writes of foods are rare.
            GinIndex(
                fields=["search_vector"],
                condition=Q(owner__isnull=True),
                name="nutrition_food_public_fts_idx",
                fastupdate=False,
            ),
            GinIndex(
                OpClass("name", name="gin_trgm_ops"),
                condition=Q(owner__isnull=True),
                name="nutrition_food_public_trgm_idx",
                fastupdate=False,
            ),
            GinIndex(
                fields=["owner", "search_vector"],
                condition=Q(owner__isnull=False),
                name="nutrition_food_own_fts_idx",
                fastupdate=False,
            ),
            models.Index(fields=["owner", "name"], name="nutrition_food_owner_name_idx"),
            models.Index(fields=["category", "name"], name="nutrition_food_category_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["fdc_id"],
                condition=Q(fdc_id__isnull=False),
                name="nutrition_food_fdc_id_unique",
            ),
            models.CheckConstraint(
                condition=(
                    Q(source=FoodSource.USDA, owner__isnull=True, fdc_id__isnull=False)
                    | Q(source=FoodSource.CUSTOM, owner__isnull=False, fdc_id__isnull=True)
                ),
                name="nutrition_food_source_consistent",
            ),
            models.CheckConstraint(
                condition=Q(energy_kcal__gte=0) & Q(energy_kcal__lte=MAX_KCAL_PER_100G),
                name="nutrition_food_energy_range",
            ),
            models.CheckConstraint(
                condition=_grams_range("protein_g")
                & _grams_range("carbs_g")
                & _grams_range("fat_g")
                & _grams_range("fiber_g")
                & _grams_range("sugar_g")
                & _grams_range("sat_fat_g"),
                name="nutrition_food_grams_range",
            ),
            models.CheckConstraint(
                condition=Q(sodium_mg__isnull=True)
                | (Q(sodium_mg__gte=0) & Q(sodium_mg__lte=40_000)),
                name="nutrition_food_sodium_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Portion(models.Model):
    """A household measure of a food: "1 cup, chopped" = 91 g."""

    food = models.ForeignKey(Food, on_delete=models.CASCADE, related_name="portions")
    seq = models.PositiveSmallIntegerField(help_text="order within the food (USDA's sequence)")
    label = models.CharField(max_length=200, help_text='e.g. "1 cup, chopped"')
    amount = models.FloatField(null=True, blank=True, help_text="number of units, when stated")
    unit = models.CharField(max_length=200, blank=True, help_text='e.g. "cup, chopped"')
    grams = models.FloatField(validators=[MinValueValidator(0.001)])
    is_serving = models.BooleanField(
        default=True,
        help_text="false for USDA's 'Guideline amount ...' rows (an amount added per unit of "
        "another food, not a serving size)",
    )

    class Meta:
        ordering = ("food", "seq")
        constraints = [
            models.UniqueConstraint(fields=["food", "seq"], name="nutrition_portion_seq_unique"),
            models.CheckConstraint(condition=Q(grams__gt=0), name="nutrition_portion_grams_gt0"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.grams:g} g)"


class Recipe(models.Model):
    """A dish made of foods. The nutrient, tag and allergen fields are derived (see the module
    docstring) and written only by ``nutrition.services.recipe_nutrients_refresh``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    meal_types = ArrayField(models.CharField(max_length=12, choices=MealType.choices))
    cuisine = models.CharField(
        max_length=24, blank=True, help_text="a profiles Cuisine value where one fits"
    )
    prep_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(24 * 60)]
    )
    servings = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    steps = ArrayField(models.TextField(), default=list, blank=True)
    is_active = models.BooleanField(default=True, help_text="offered to plans and searches")
    # Derived, per serving.
    serving_grams = models.FloatField(default=0, editable=False)
    energy_kcal = models.FloatField(default=0, editable=False)
    protein_g = models.FloatField(default=0, editable=False)
    carbs_g = models.FloatField(default=0, editable=False)
    fat_g = models.FloatField(default=0, editable=False)
    fiber_g = models.FloatField(default=0, editable=False)
    sugar_g = models.FloatField(default=0, editable=False)
    sat_fat_g = models.FloatField(default=0, editable=False)
    sodium_mg = models.FloatField(default=0, editable=False)
    tags = ArrayField(
        models.CharField(max_length=16, choices=DietTag.choices),
        default=list,
        blank=True,
        editable=False,
    )
    allergens = ArrayField(
        models.CharField(max_length=16, choices=Allergen.choices),
        default=list,
        blank=True,
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("title",)
        indexes = [
            GinIndex(fields=["tags"], name="nutrition_recipe_tags_idx"),
            GinIndex(fields=["meal_types"], name="nutrition_recipe_meals_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(servings__gte=1), name="nutrition_recipe_servings_positive"
            ),
            models.CheckConstraint(
                condition=Q(meal_types__len__gte=1), name="nutrition_recipe_has_meal_type"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class RecipeIngredient(models.Model):
    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="ingredients")
    food = models.ForeignKey(Food, on_delete=models.PROTECT, related_name="+")
    grams = models.FloatField(validators=[MinValueValidator(0.1), MaxValueValidator(10_000)])
    position = models.PositiveSmallIntegerField()
    note = models.CharField(max_length=120, blank=True, help_text='e.g. "finely chopped"')

    class Meta:
        ordering = ("recipe", "position")
        constraints = [
            models.UniqueConstraint(
                fields=["recipe", "position"], name="nutrition_ingredient_position_unique"
            ),
            models.CheckConstraint(condition=Q(grams__gt=0), name="nutrition_ingredient_grams_gt0"),
        ]

    def __str__(self) -> str:
        return f"{self.grams:g} g of {self.food_id}"


class MealPlanTemplate(models.Model):
    """A starting point for a plan: a diet at a calorie level with its macro split (data in
    nutrition/data/templates.json, loaded by ``manage.py load_recipes``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    diet = models.CharField(max_length=16, choices=DietType.choices)
    calories_kcal = models.PositiveIntegerField(
        validators=[MinValueValidator(1000), MaxValueValidator(5000)]
    )
    protein_g = models.PositiveIntegerField()
    carbs_g = models.PositiveIntegerField()
    fat_g = models.PositiveIntegerField()
    meals_per_day = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(3), MaxValueValidator(6)]
    )
    max_prep_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    cuisines = ArrayField(models.CharField(max_length=24), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("order", "calories_kcal", "slug")
        constraints = [
            models.CheckConstraint(
                condition=Q(meals_per_day__gte=3) & Q(meals_per_day__lte=6),
                name="nutrition_template_meals_per_day_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    PENDING = "pending", "Pending (being generated)"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled (kept as history)"


class PlanEngine(models.TextChoices):
    MANUAL = "manual", "Made by the user"
    OPTIMISER = "optimiser", "Our optimiser"
    OPENAI = "openai", "OpenAI (checked and re-portioned by our optimiser)"


class MealPlan(models.Model):
    """A user's plan: dates, daily targets, the request it was generated from, and meals.
    Totals per meal and per day are computed from the meals' foods when read
    (``nutrition.selectors.meal_plan_detail``), never stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meal_plans"
    )
    name = models.CharField(max_length=120)
    status = models.CharField(max_length=12, choices=PlanStatus.choices)
    engine = models.CharField(max_length=12, choices=PlanEngine.choices)
    requested_engine = models.CharField(max_length=12, choices=PlanEngine.choices)
    fallback_reason = models.CharField(max_length=300, blank=True)
    start_date = models.DateField()
    days = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(14)]
    )
    meals_per_day = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    kcal = models.PositiveIntegerField(help_text="daily energy target")
    protein_g = models.PositiveIntegerField()
    carbs_g = models.PositiveIntegerField()
    fat_g = models.PositiveIntegerField()
    diet = models.CharField(max_length=16, choices=DietType.choices, default=DietType.OMNIVORE)
    allergies = ArrayField(
        models.CharField(max_length=16, choices=Allergen.choices), default=list, blank=True
    )
    excluded_food_ids = ArrayField(models.UUIDField(), default=list, blank=True)
    cuisines = ArrayField(models.CharField(max_length=24), default=list, blank=True)
    max_prep_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    seed = models.IntegerField(default=0)
    # The OpenAI engine's bookkeeping (zero for the others).
    model = models.CharField(max_length=80, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    total_tokens = models.PositiveIntegerField(default=0)
    notes = ArrayField(models.CharField(max_length=300), default=list, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="nutrition_plan_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1) & Q(days__lte=14), name="nutrition_plan_days_range"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="nutrition_plan_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Meal(models.Model):
    """One meal of a plan: a recipe at some servings, or a free-form meal; its ingredients
    (foods with grams, for the planned servings) are its ``items``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(MealPlan, on_delete=models.CASCADE, related_name="meals")
    day = models.PositiveSmallIntegerField(help_text="1-based day of the plan")
    slot = models.PositiveSmallIntegerField(help_text="0-based position in the day")
    mealtime = models.CharField(max_length=12, choices=MealType.choices)
    recipe = models.ForeignKey(
        Recipe, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=160)
    description = models.TextField(blank=True)
    steps = ArrayField(models.TextField(), default=list, blank=True)
    servings = models.FloatField(default=1, validators=[MinValueValidator(0.1)])
    prep_minutes = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("plan", "day", "slot")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "day", "slot"], name="nutrition_meal_slot_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"day {self.day} {self.mealtime}: {self.name}"


class MealItem(models.Model):
    meal = models.ForeignKey(Meal, on_delete=models.CASCADE, related_name="items")
    food = models.ForeignKey(Food, on_delete=models.PROTECT, related_name="+")
    grams = models.FloatField(validators=[MinValueValidator(0.1)])
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ("meal", "position")
        constraints = [
            models.CheckConstraint(condition=Q(grams__gt=0), name="nutrition_mealitem_grams_gt0"),
        ]

    def __str__(self) -> str:
        return f"{self.grams:g} g of {self.food_id}"


class MealPlanAuditEvent(models.Model):
    """A state change of a meal plan, written in the transaction that makes it
    (``nutrition.services.plans``). Ids and statuses only: no names, foods or targets (a plan
    is health data). ``plan_id`` is no foreign key, so a deleted plan keeps its trail."""

    class Action(models.TextChoices):
        CREATE = "create", "Created by hand"
        GENERATE = "generate", "Generation asked"
        GENERATED = "generated", "Generation finished (the task)"
        UPDATE = "update", "Updated"
        CANCEL = "cancel", "Cancelled"
        DELETE = "delete", "Deleted"
        SWAP = "swap", "One meal swapped"
        REGENERATE_DAY = "regenerate_day", "One day regenerated"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the generation task, or once the account is deleted.",
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    plan_id = models.UUIDField()
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True, help_text="empty once deleted")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["plan_id"], name="nutrition_plan_audit_plan_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.plan_id}: {self.from_status} -> {self.to_status}"
