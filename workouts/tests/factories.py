from datetime import timedelta

import factory
from django.utils import timezone

from workouts import services
from workouts.models import Category, Trainer, Workout, WorkoutVideo


class TrainerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trainer

    name = factory.Sequence(lambda n: f"Trainer {n}")
    bio = ""


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class WorkoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workout
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Workout {n}")
    slug = factory.Sequence(lambda n: f"workout-{n}")
    description = "A workout."
    estimated_duration_seconds = 1200
    status = "published"
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.categories.set(extracted)
        if create:
            services.workouts_index_refresh(workout_ids=[obj.pk])


class WorkoutVideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkoutVideo

    workout = factory.SubFactory(WorkoutFactory)
    order_index = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Video {n}")
    duration_seconds = 300
