from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from cruddur.health import health_check, readiness
from users.api import TokenView, UserShortView

urlpatterns = [
    path("health-check", health_check, name="health-check"),
    path("health/ready", readiness, name="health-ready"),
    path("auth/token", TokenView.as_view(), name="auth-token"),
    path("users/@<str:handle>/short", UserShortView.as_view(), name="user-short"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("", include("messaging.api.urls")),
]
