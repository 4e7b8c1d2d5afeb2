"""The fixed vocabularies of the catalogue (stored values are the API's values)."""

from django.db import models


class Goal(models.TextChoices):
    STRENGTH = "strength", "Strength"
    FAT_LOSS = "fat_loss", "Fat loss"
    ENDURANCE = "endurance", "Endurance"
    MOBILITY = "mobility", "Mobility"
    MUSCLE_GAIN = "muscle_gain", "Muscle gain"
    GENERAL_FITNESS = "general_fitness", "General fitness"
    RECOVERY = "recovery", "Recovery"


class Difficulty(models.TextChoices):
    BEGINNER = "beginner", "Beginner"
    INTERMEDIATE = "intermediate", "Intermediate"
    ADVANCED = "advanced", "Advanced"


class Equipment(models.TextChoices):
    NONE = "none", "No equipment"
    DUMBBELLS = "dumbbells", "Dumbbells"
    KETTLEBELL = "kettlebell", "Kettlebell"
    RESISTANCE_BAND = "resistance_band", "Resistance band"
    MAT = "mat", "Mat"
    PULL_UP_BAR = "pull_up_bar", "Pull-up bar"
    BENCH = "bench", "Bench"
    BARBELL = "barbell", "Barbell"
    JUMP_ROPE = "jump_rope", "Jump rope"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    PUBLISHED = "published", "Published"


class VideoAccess(models.TextChoices):
    FREE = "free", "Free"
    PREMIUM = "premium", "Premium"


class Ordering(models.TextChoices):
    NEWEST = "newest", "Newest first"
    POPULAR = "popular", "Most completed first"
    RATING = "rating", "Best rated first"
    SHORTEST = "shortest", "Shortest first"
