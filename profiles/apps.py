from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "User profiles"

    def ready(self) -> None:
        from profiles import openapi  # noqa: F401  (registers the schema extension)
