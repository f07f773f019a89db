from django.urls import path

from cruddur.health import health_check

urlpatterns = [
    path("health-check", health_check, name="health-check"),
]
