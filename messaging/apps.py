from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"

    def ready(self):
        from messaging import ddb  # noqa: F401  (connects the setting_changed receiver)
