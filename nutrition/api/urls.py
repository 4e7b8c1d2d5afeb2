from django.urls import path

from . import plans, recipes, views

# The fixed words come before the id routes; ids are UUIDs, anything else is a 404.
urlpatterns = [
    path("foods", views.FoodListView.as_view(), name="meals-foods"),
    path("foods/<uuid:food_id>", views.FoodDetailView.as_view(), name="meals-food-detail"),
    path("templates", views.TemplateListView.as_view(), name="meals-templates"),
    path("engines", plans.EngineListView.as_view(), name="meals-engines"),
    path("recipes", recipes.RecipeListView.as_view(), name="meals-recipes"),
    path(
        "recipes/<uuid:recipe_id>", recipes.RecipeDetailView.as_view(), name="meals-recipe-detail"
    ),
    path("plans", plans.MealPlanListView.as_view(), name="meals-plans"),
    path("plans/generate", plans.MealPlanGenerateView.as_view(), name="meals-plans-generate"),
    path("plans/<uuid:plan_id>", plans.MealPlanDetailView.as_view(), name="meals-plan-detail"),
    path(
        "plans/<uuid:plan_id>/meals/<uuid:meal_id>/swap",
        plans.MealSwapView.as_view(),
        name="meals-plan-meal-swap",
    ),
    path(
        "plans/<uuid:plan_id>/days/<int:day>/regenerate",
        plans.DayRegenerateView.as_view(),
        name="meals-plan-day-regenerate",
    ),
    path(
        "plans/<uuid:plan_id>/shopping-list",
        plans.ShoppingListView.as_view(),
        name="meals-plan-shopping-list",
    ),
]
