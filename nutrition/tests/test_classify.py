import pytest

from nutrition.classify import food_classify


@pytest.mark.parametrize(
    ("name", "category", "allergens", "flags"),
    [
        ("Chicken, broilers or fryers, breast, meat only, raw", "Poultry Products", (), ("meat",)),
        ("Salmon, Atlantic, farmed, raw", "Finfish and Shellfish Products", ("fish",), ("fish",)),
        (
            "Crustaceans, shrimp, raw",
            "Finfish and Shellfish Products",
            ("shellfish",),
            ("shellfish",),
        ),
        ("Mushrooms, oyster, raw", "Vegetables and Vegetable Products", (), ()),
        ("Milk, whole, 3.25% milkfat", "Dairy and Egg Products", ("milk",), ("dairy",)),
        ("Beverages, almond milk, unsweetened", "Beverages", ("tree_nuts",), ()),
        ("Milk, soy, unsweetened", "Plant-based milk", ("soy",), ("legume",)),
        ("Peanut butter, smooth style", "Legumes and Legume Products", ("peanuts",), ("legume",)),
        ("Egg, whole, raw, fresh", "Dairy and Egg Products", ("egg",), ("egg",)),
        ("Eggplant, raw", "Vegetables and Vegetable Products", (), ()),
        (
            "Bread, whole-wheat, commercially prepared",
            "Baked Products",
            ("wheat_gluten",),
            ("grain",),
        ),
        (
            "Rice, white, long-grain, regular, enriched, cooked",
            "Cereal Grains and Pasta",
            (),
            ("grain",),
        ),
        ("Tofu, raw, firm", "Legumes and Legume Products", ("soy",), ("legume",)),
        ("Hummus, commercial", "Legumes and Legume Products", ("sesame",), ("legume",)),
        ("Nuts, walnuts, english", "Nut and Seed Products", ("tree_nuts",), ()),
        ("Squash, winter, butternut, raw", "Vegetables and Vegetable Products", (), ()),
        ("Honey", "Sweets", (), ("honey",)),
        ("Coffee creamer, nondairy", "Cream and cream substitutes", (), ()),
        ("Veggie burger", "Vegetable sandwiches/burgers", ("soy", "wheat_gluten"), ("legume",)),
        ("Oats", "Breakfast Cereals", ("wheat_gluten",), ("grain",)),
        ("Oil, olive, salad or cooking", "Fats and Oils", (), ()),
        ("Cheese, goat, soft type", "Dairy and Egg Products", ("milk",), ("dairy",)),
        ("Goat milk", "Milk, whole", ("milk",), ("dairy",)),
        ("Game meat, goat, cooked, roasted", "Lamb, Veal, and Game Products", (), ("meat",)),
    ],
)
def test_allergens_and_diet_flags_follow_the_words_of_the_name(name, category, allergens, flags):
    classified = food_classify(name=name, category=category)

    assert classified.allergens == allergens
    assert classified.diet_flags == flags
