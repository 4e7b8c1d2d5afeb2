"""Four recipes over eight USDA foods (values of the shipped table, per 100 g), for tests:
the library the loader, the selectors and the planner adapter are tested with until the
real library (nutrition/data/recipes) is the subject."""

from nutrition.tests.factories import FoodFactory

# fdc_id: (name, category, kcal, protein, carbs, fat, fiber, sugar, sat fat, sodium)
FOODS = {
    "05062": (
        "Chicken, broiler or fryers, breast, skinless, boneless, meat only, raw",
        "Poultry Products",
        120,
        22.5,
        0,
        2.62,
        0,
        0,
        0.563,
        45,
    ),
    "20045": (
        "Rice, white, long-grain, regular, enriched, cooked",
        "Cereal Grains and Pasta",
        130,
        2.69,
        28.17,
        0.28,
        0.4,
        0.05,
        0.077,
        1,
    ),
    "11090": (
        "Broccoli, raw",
        "Vegetables and Vegetable Products",
        34,
        2.82,
        6.64,
        0.37,
        2.6,
        1.7,
        0.039,
        33,
    ),
    "04053": ("Oil, olive, salad or cooking", "Fats and Oils", 884, 0, 0, 100, 0, 0, 13.808, 2),
    "15076": (
        "Fish, salmon, Atlantic, wild, raw",
        "Finfish and Shellfish Products",
        208,
        20.42,
        0,
        13.42,
        0,
        0,
        3.05,
        59,
    ),
    "01123": (
        "Egg, whole, raw, fresh",
        "Dairy and Egg Products",
        143,
        12.56,
        0.72,
        9.51,
        0,
        0.37,
        3.126,
        142,
    ),
    "18069": (
        "Bread, whole-wheat, commercially prepared",
        "Baked Products",
        252,
        12.45,
        42.71,
        3.5,
        6,
        4.41,
        0.72,
        450,
    ),
    "16057": (
        "Chickpeas (garbanzo beans, bengal gram), mature seeds, cooked, boiled, without salt",
        "Legumes and Legume Products",
        164,
        8.86,
        27.42,
        2.59,
        7.6,
        4.8,
        0.269,
        7,
    ),
}

RECIPES = [
    {
        "slug": "chicken-rice-broccoli",
        "title": "Chicken, rice and broccoli",
        "description": "The classic meal-prep box.",
        "meal_types": ["lunch", "dinner"],
        "cuisine": "american",
        "prep_minutes": 25,
        "servings": 2,
        "steps": ["Cook the rice.", "Pan-fry the chicken in the oil.", "Steam the broccoli."],
        "ingredients": [
            {"fdc_id": "05062", "grams": 300},
            {"fdc_id": 20045, "grams": 300},
            {"fdc_id": "11090", "grams": 200, "note": "florets"},
            {"fdc_id": "4053", "grams": 10},
        ],
    },
    {
        "slug": "salmon-broccoli",
        "title": "Salmon with broccoli",
        "meal_types": ["dinner"],
        "cuisine": "mediterranean",
        "prep_minutes": 20,
        "servings": 1,
        "steps": ["Roast the salmon and broccoli with the oil."],
        "ingredients": [
            {"fdc_id": "15076", "grams": 150},
            {"fdc_id": "11090", "grams": 150},
            {"fdc_id": "04053", "grams": 10},
        ],
    },
    {
        "slug": "egg-on-toast",
        "title": "Egg on toast",
        "meal_types": ["breakfast"],
        "cuisine": "american",
        "prep_minutes": 10,
        "servings": 1,
        "steps": ["Toast the bread.", "Fry the egg."],
        "ingredients": [{"fdc_id": "01123", "grams": 100}, {"fdc_id": "18069", "grams": 60}],
    },
    {
        "slug": "chickpea-salad",
        "title": "Chickpea salad",
        "meal_types": ["lunch", "snack"],
        "cuisine": "middle-eastern",
        "prep_minutes": 10,
        "servings": 2,
        "steps": ["Mix everything."],
        "ingredients": [
            {"fdc_id": "16057", "grams": 240},
            {"fdc_id": "11090", "grams": 100},
            {"fdc_id": "04053", "grams": 15},
        ],
    },
]


def make_foods():
    """The eight foods as USDA rows (allergens and flags derived from the names)."""
    foods = {}
    for code, (name, category, *values) in FOODS.items():
        kcal, protein, carbs, fat, fiber, sugar, sat, sodium = values
        foods[code] = FoodFactory(
            fdc_id=code,
            name=name,
            category=category,
            energy_kcal=kcal,
            protein_g=protein,
            carbs_g=carbs,
            fat_g=fat,
            fiber_g=fiber,
            sugar_g=sugar,
            sat_fat_g=sat,
            sodium_mg=sodium,
        )
    return foods
