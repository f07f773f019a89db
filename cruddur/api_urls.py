from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cruddur.health import health_check
from users.api import TokenView, UserShortView

urlpatterns = [
    path("health-check", health_check, name="health-check"),
    path("auth/token", TokenView.as_view(), name="auth-token"),
    path("users/@<str:handle>/short", UserShortView.as_view(), name="user-short"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's init script as a file, so the page needs no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("", include("messaging.api.urls")),
]
