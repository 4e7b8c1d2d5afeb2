import pytest

from workouts.tests.factories import CategoryFactory, TrainerFactory, WorkoutFactory

pytestmark = pytest.mark.django_db
SEARCH = "/api/workouts/search"


def found(client, q):
    response = client.get(SEARCH, {"q": q})
    assert response.status_code == 200, response.json()
    return [item["title"] for item in response.json()["results"]]


def test_a_title_hit_ranks_above_a_category_or_trainer_hit_above_a_description_hit(alice_client):
    WorkoutFactory(title="Evening stretch", description="Slow yoga poses to end the day.")
    WorkoutFactory(
        title="Core basics",
        description="Planks.",
        categories=[CategoryFactory(name="Yoga", slug="yoga")],
    )
    WorkoutFactory(title="Power yoga", description="Strong and sweaty.")
    WorkoutFactory(title="Leg day", description="Squats.")

    assert found(alice_client, "yoga") == ["Power yoga", "Core basics", "Evening stretch"]


def test_trainer_names_are_searched(alice_client):
    WorkoutFactory(title="Box jumps", trainer=TrainerFactory(name="Priya Natarajan"))
    WorkoutFactory(title="Other")

    assert found(alice_client, "natarajan") == ["Box jumps"]


def test_a_typo_falls_back_to_trigram_similarity(alice_client):
    WorkoutFactory(title="Morning Yoga Flow")
    WorkoutFactory(title="Heavy deadlifts")

    assert found(alice_client, "yoga flw") == ["Morning Yoga Flow"]


def test_matches_are_highlighted_and_drafts_are_not_found(alice_client):
    WorkoutFactory(title="Kettlebell swing", description="Hinge with a kettlebell.")
    WorkoutFactory(title="Kettlebell draft", status="draft", publish_at=None)

    response = alice_client.get(SEARCH, {"q": "kettlebell"})

    [item] = response.json()["results"]
    assert item["title"] == "Kettlebell swing"
    assert "<mark>Kettlebell</mark>" in item["excerpt"]
    assert item["rank"] > 0
    assert set(item) >= {"id", "can_play", "is_favorite", "rating_average"}


def test_websearch_syntax_excludes_words(alice_client):
    WorkoutFactory(title="Yoga for runners")
    WorkoutFactory(title="Yoga for climbers")

    assert found(alice_client, "yoga -runners") == ["Yoga for climbers"]


@pytest.mark.parametrize(
    "params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}, {"q": "a", "x": 1}]
)
def test_an_empty_or_too_long_query_is_refused(alice_client, params):
    response = alice_client.get(SEARCH, params)

    assert response.status_code == 400
