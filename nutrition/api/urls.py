from django.urls import path

from . import views

urlpatterns = [
    path("foods", views.FoodListView.as_view(), name="meals-foods"),
    path("foods/<uuid:food_id>", views.FoodDetailView.as_view(), name="meals-food-detail"),
    path("templates", views.TemplateListView.as_view(), name="meals-templates"),
]
