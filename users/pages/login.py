"""The two login pages, the site's and the admin's, throttled like the token endpoint: every POST counts
against the client address's budget of password guesses; past it, the page comes back with the reason as
429 with Retry-After, and the password is not checked."""
import math
from functools import wraps

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError

from users.pages.forms import LoginForm
from users.throttling import LoginRateThrottle

TOO_MANY_ATTEMPTS = "Too many login attempts; try again in %(seconds)d seconds."


class ThrottledLoginMixin:
    """For an AuthenticationForm: checks the budget before its clean() calls authenticate(), so an attempt
    past the limit learns nothing about the password and logs no one in."""

    retry_after: int | None = None  # seconds, once refused

    def clean(self):
        throttle = LoginRateThrottle()
        if throttle.allow_request(self.request, None):
            return super().clean()
        wait = throttle.wait()  # None only when the history outgrew a since lowered rate
        self.retry_after = max(1, math.ceil(wait if wait is not None else throttle.duration))
        raise ValidationError(TOO_MANY_ATTEMPTS, code="throttled", params={"seconds": self.retry_after})


class ThrottledLoginForm(ThrottledLoginMixin, LoginForm):
    pass


class ThrottledAdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


def answers_429_when_throttled(login_view):
    """A login view whose form was refused for the throttle answers 429 with Retry-After, as the API does."""

    @wraps(login_view)
    def view(request, *args, **kwargs):
        response = login_view(request, *args, **kwargs)
        # Only a re-shown form (a TemplateResponse, not yet rendered) has context; a redirect has none.
        form = getattr(response, "context_data", None) and response.context_data.get("form")
        if getattr(form, "retry_after", None):
            response.status_code = 429
            response["Retry-After"] = str(form.retry_after)
        return response

    return view


login = answers_429_when_throttled(
    auth_views.LoginView.as_view(
        template_name="pages/login.html", authentication_form=ThrottledLoginForm, redirect_authenticated_user=True
    )
)
