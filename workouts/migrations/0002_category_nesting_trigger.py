"""Categories nest one level: the database refuses a parent that has a parent, and a parent
for a category that has children (a CHECK constraint cannot look at another row)."""

from django.db import migrations

CREATE = """
CREATE FUNCTION workouts_category_one_level() RETURNS trigger AS $$
BEGIN
    IF NEW.parent_id IS NOT NULL THEN
        IF EXISTS (SELECT 1 FROM workouts_category
                   WHERE id = NEW.parent_id AND parent_id IS NOT NULL) THEN
            RAISE EXCEPTION 'category % would nest two levels deep', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM workouts_category WHERE parent_id = NEW.id) THEN
            RAISE EXCEPTION 'category % has children, so it must stay top-level', NEW.id
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER workouts_category_one_level
    BEFORE INSERT OR UPDATE OF parent_id ON workouts_category
    FOR EACH ROW EXECUTE FUNCTION workouts_category_one_level();
"""

DROP = """
DROP TRIGGER IF EXISTS workouts_category_one_level ON workouts_category;
DROP FUNCTION IF EXISTS workouts_category_one_level();
"""


class Migration(migrations.Migration):
    dependencies = [("workouts", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
