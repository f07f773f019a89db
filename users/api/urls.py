from django.urls import path

from users.api.views import TokenView, UserShortView

urlpatterns = [
    path("auth/token", TokenView.as_view(), name="auth-token"),
    path("users/@<str:handle>/short", UserShortView.as_view(), name="user-short"),
]
