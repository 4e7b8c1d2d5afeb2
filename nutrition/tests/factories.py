import factory

from nutrition.choices import FoodSource
from nutrition.classify import food_classify
from nutrition.models import Food, Portion


class FoodFactory(factory.django.DjangoModelFactory):
    """A USDA food (allergens and diet flags derived from the name, as the import does)."""

    class Meta:
        model = Food

    source = FoodSource.USDA
    dataset = "usda-sr28"
    fdc_id = factory.Sequence(lambda n: f"{90000 + n:05d}")
    name = factory.Sequence(lambda n: f"Food {n}")
    category = ""
    energy_kcal = 100.0
    protein_g = 5.0
    carbs_g = 10.0
    fat_g = 4.0
    fiber_g = 1.0
    sugar_g = 2.0
    sat_fat_g = 1.0
    sodium_mg = 50.0
    allergens = factory.LazyAttribute(
        lambda o: list(food_classify(name=o.name, category=o.category).allergens)
    )
    diet_flags = factory.LazyAttribute(
        lambda o: list(food_classify(name=o.name, category=o.category).diet_flags)
    )


class CustomFoodFactory(FoodFactory):
    source = FoodSource.CUSTOM
    dataset = ""
    fdc_id = None
    owner = factory.SubFactory("accounts.tests.factories.UserFactory")


class PortionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Portion

    food = factory.SubFactory(FoodFactory)
    seq = factory.Sequence(lambda n: n + 1)
    label = "1 cup"
    unit = "cup"
    amount = 1.0
    grams = 100.0
