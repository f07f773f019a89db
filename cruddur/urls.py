from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("cruddur.api_urls")),
    path("", include("messaging.pages.urls")),
]

# JSON errors under /api/, Django's stock pages elsewhere.
handler400 = "cruddur.api_errors.bad_request"
handler403 = "cruddur.api_errors.permission_denied"
handler404 = "cruddur.api_errors.page_not_found"
handler500 = "cruddur.api_errors.server_error"
