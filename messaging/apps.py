from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"

    def ready(self):
        from messaging import ddb, readiness  # noqa: F401  (connect the setting_changed receiver, the probe)
