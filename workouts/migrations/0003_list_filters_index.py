"""The catalogue list's indexes: its filters in one multi-column GIN index (scalar columns
through btree_gin), replacing the two single-column GIN indexes on the arrays it now covers,
and the default order (newest first) of published workouts."""

import django.contrib.postgres.indexes
from django.contrib.postgres.operations import BtreeGinExtension
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workouts", "0002_category_nesting_trigger"),
    ]

    operations = [
        BtreeGinExtension(),
        migrations.RemoveIndex(
            model_name="workout",
            name="workouts_equipment_idx",
        ),
        migrations.RemoveIndex(
            model_name="workout",
            name="workouts_category_ids_idx",
        ),
        migrations.AddIndex(
            model_name="workout",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=[
                    "category_ids",
                    "equipment",
                    "difficulty",
                    "goal",
                    "is_premium",
                    "is_featured",
                    "estimated_duration_seconds",
                ],
                name="workouts_list_filters_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="workout",
            index=models.Index(
                condition=models.Q(("status__in", ("published", "scheduled"))),
                fields=["-publish_at", "id"],
                name="workouts_published_newest_idx",
            ),
        ),
    ]
