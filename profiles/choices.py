"""The enumerations of the profiles app, in one place.

Other apps (the meal-plan generator in particular) import these instead of repeating the
lists: a diet type or an allergen means the same thing everywhere. Values are the API's and the
database's; labels are for the admin.
"""

from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    """Sex for the energy formulas. ``unspecified`` (other, or rather not say) is a real answer:
    the BMR then uses the average of the female and male formulas."""

    FEMALE = "female", "Female"
    MALE = "male", "Male"
    UNSPECIFIED = "unspecified", "Other or unspecified"


class ActivityLevel(models.TextChoices):
    """Physical activity level; the factor applied to the BMR is in ``profiles.targets``."""

    SEDENTARY = "sedentary", "Sedentary (x1.2)"
    LIGHT = "light", "Lightly active (x1.375)"
    MODERATE = "moderate", "Moderately active (x1.55)"
    ACTIVE = "active", "Active (x1.725)"
    VERY_ACTIVE = "very_active", "Very active (x1.9)"


class Goal(models.TextChoices):
    LOSE = "lose", "Lose weight"
    MAINTAIN = "maintain", "Maintain weight"
    GAIN = "gain", "Gain weight"


class DietType(models.TextChoices):
    OMNIVORE = "omnivore", "Omnivore"
    VEGETARIAN = "vegetarian", "Vegetarian"
    VEGAN = "vegan", "Vegan"
    PESCATARIAN = "pescatarian", "Pescatarian"
    KETO = "keto", "Keto"
    PALEO = "paleo", "Paleo"
    MEDITERRANEAN = "mediterranean", "Mediterranean"
    GLUTEN_FREE = "gluten_free", "Gluten-free"
    DAIRY_FREE = "dairy_free", "Dairy-free"


class Allergen(models.TextChoices):
    """The major food allergens (the FDA's nine, gluten grouped with wheat)."""

    MILK = "milk", "Milk"
    EGG = "egg", "Egg"
    FISH = "fish", "Fish"
    SHELLFISH = "shellfish", "Shellfish"
    TREE_NUTS = "tree_nuts", "Tree nuts"
    PEANUTS = "peanuts", "Peanuts"
    WHEAT_GLUTEN = "wheat_gluten", "Wheat / gluten"
    SOY = "soy", "Soy"
    SESAME = "sesame", "Sesame"


class Cuisine(models.TextChoices):
    AMERICAN = "american", "American"
    BRAZILIAN = "brazilian", "Brazilian"
    CHINESE = "chinese", "Chinese"
    FRENCH = "french", "French"
    GREEK = "greek", "Greek"
    INDIAN = "indian", "Indian"
    ITALIAN = "italian", "Italian"
    JAPANESE = "japanese", "Japanese"
    KOREAN = "korean", "Korean"
    MEDITERRANEAN = "mediterranean", "Mediterranean"
    MEXICAN = "mexican", "Mexican"
    MIDDLE_EASTERN = "middle_eastern", "Middle Eastern"
    SPANISH = "spanish", "Spanish"
    THAI = "thai", "Thai"
    VIETNAMESE = "vietnamese", "Vietnamese"


class UnitSystem(models.TextChoices):
    """Presentation only: quantities are stored and sent in metric units whatever this says."""

    METRIC = "metric", "Metric (cm, kg)"
    IMPERIAL = "imperial", "Imperial (ft/in, lb)"


class Language(models.TextChoices):
    """Supported app languages, as BCP 47 tags."""

    EN = "en", "English"
    ES = "es", "Spanish"
    FR = "fr", "French"
    DE = "de", "German"
    IT = "it", "Italian"
    PT = "pt", "Portuguese"
    PT_BR = "pt-BR", "Portuguese (Brazil)"
    NL = "nl", "Dutch"
    SV = "sv", "Swedish"
    JA = "ja", "Japanese"
    KO = "ko", "Korean"
    ZH_HANS = "zh-Hans", "Chinese (Simplified)"


class WeekStart(models.TextChoices):
    """The first day of a week in calendars and weekly summaries."""

    MONDAY = "monday", "Monday"
    SUNDAY = "sunday", "Sunday"


class ProfileVisibility(models.TextChoices):
    PRIVATE = "private", "Only me"
    FRIENDS = "friends", "Friends"
    PUBLIC = "public", "Everyone"


class FavoriteKind(models.TextChoices):
    """What a favourite points at: a published workout, a library recipe, or a meal of one of
    the user's own plans."""

    WORKOUT = "workout", "Workout"
    RECIPE = "recipe", "Recipe"
    MEAL = "meal", "Meal of one of your plans"
