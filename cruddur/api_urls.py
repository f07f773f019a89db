"""The API's own routes (health check, schema, docs); the apps' routes are included beside these."""
from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cruddur.health import health_check, readiness

urlpatterns = [
    path("health-check", health_check, name="health-check"),
    path("health/ready", readiness, name="health-ready"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script as a file, so the page needs no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
]
