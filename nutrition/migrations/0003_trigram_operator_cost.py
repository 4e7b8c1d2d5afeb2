"""Make the planner use the trigram indexes for word-similarity searches.

pg_trgm declares its operator functions with the default cost (1), so for a table of a few
thousand rows per partial index the planner prefers computing the word similarity of every
name (a sequential scan, ~100 ms on the USDA table) to the trigram index (~10 ms). A cost of
100 says what the function really costs. (A property of the extension's function: it applies
to every trigram search of the database, the workouts' typo search included.)
"""

from django.db import migrations

FUNCTIONS = ("word_similarity_op", "word_similarity_commutator_op")


class Migration(migrations.Migration):
    dependencies = [("nutrition", "0002_ingredient_note_owner_index")]

    operations = [
        migrations.RunSQL(
            sql=[f"ALTER FUNCTION {name}(text, text) COST 100" for name in FUNCTIONS],
            reverse_sql=[f"ALTER FUNCTION {name}(text, text) COST 1" for name in FUNCTIONS],
        )
    ]
