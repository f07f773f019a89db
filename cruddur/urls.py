from django.contrib import admin
from django.urls import include, path

from users.pages.login import ThrottledAdminLoginForm, answers_refusal_status

# The admin keeps its own login page (its staff check and "not authorized" message), throttled like /login:
# its form refuses past the budget, and the pattern below, ahead of admin.site.urls, makes that a 429 (503).
admin.site.login_form = ThrottledAdminLoginForm

urlpatterns = [
    path("admin/login/", answers_refusal_status(admin.site.login)),
    path("admin/", admin.site.urls),
    path("api/", include("cruddur.api_urls")),
    path("api/", include("users.api.urls")),
    path("api/", include("messaging.api.urls")),
    path("", include("users.pages.urls")),
    path("", include("messaging.pages.urls")),
]

# JSON errors under /api/, Django's stock pages elsewhere.
handler400 = "cruddur.api.handlers.bad_request"
handler403 = "cruddur.api.handlers.permission_denied"
handler404 = "cruddur.api.handlers.page_not_found"
handler500 = "cruddur.api.handlers.server_error"
