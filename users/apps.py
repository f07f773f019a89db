from django.apps import AppConfig


class UsersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "users"

    def ready(self):
        # Every process that can save a user must drop its cached lookups, API requests served or not.
        from users import lookup  # noqa: F401
