import csv
import json

import pytest

from nutrition.services import recipe_library_load, usda_import
from nutrition.services.foods import USDA_DIR
from nutrition.services.recipes import RECIPES_DIR, usda_code


def _library_codes():
    codes = set()
    for path in RECIPES_DIR.glob("*.json"):
        payload = json.loads(path.read_text())
        recipes = (
            payload["recipes"] if isinstance(payload, dict) and "recipes" in payload else payload
        )
        for recipe in recipes if isinstance(recipes, list) else [recipes]:
            codes.update(usda_code(i["fdc_id"]) for i in recipe["ingredients"])
    return codes


def _subset(source, target, codes):
    with source.open(newline="") as fh, target.open("w", newline="") as out:
        reader = csv.DictReader(fh)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        writer.writerows(row for row in reader if row["id"] in codes)
    return target


@pytest.fixture(scope="session")
def library_files(tmp_path_factory):
    """The USDA rows the shipped recipe library uses (a fast import of a few hundred foods)."""
    directory = tmp_path_factory.mktemp("usda-library")
    codes = _library_codes()
    return (
        _subset(USDA_DIR / "foods.csv", directory / "foods.csv", codes),
        _subset(USDA_DIR / "portions.csv", directory / "portions.csv", codes),
    )


@pytest.fixture
def library(db, library_files):
    """The shipped recipe library over its USDA foods."""
    usda_import(foods_csv=library_files[0], portions_csv=library_files[1])
    report = recipe_library_load()
    assert report.problems == []
    return report
