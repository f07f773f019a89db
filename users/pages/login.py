"""The two login pages, the site's and the admin's, throttled like the token endpoint: every POST counts
against the client address's budget of password guesses; past it, the page comes back with the reason as
429 with Retry-After, and the password is not checked. When the budget cannot be checked (the shared cache is
unavailable) the page comes back as 503 with Retry-After, and the password is not checked either."""
import math
from functools import wraps

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError

from users.pages.forms import LoginForm
from users.throttling import LoginBudgetUnavailable, LoginRateThrottle

TOO_MANY_ATTEMPTS = "Too many login attempts; try again in %(seconds)d seconds."
LOGIN_UNAVAILABLE = "Logging in is unavailable right now; try again in %(seconds)d seconds."


class ThrottledLoginMixin:
    """For an AuthenticationForm: checks the budget before its clean() calls authenticate(), so an attempt
    past the limit learns nothing about the password and logs no one in."""

    retry_after: int | None = None  # seconds, once refused
    refusal_status: int | None = None  # 429 past the budget, 503 when the budget cannot be checked

    def clean(self):
        throttle = LoginRateThrottle()
        try:
            allowed = throttle.allow_request(self.request, None)
        except LoginBudgetUnavailable as error:
            self.retry_after, self.refusal_status = error.retry_after, 503
            raise ValidationError(LOGIN_UNAVAILABLE, code="unavailable", params={"seconds": self.retry_after}) from None
        if allowed:
            return super().clean()
        wait = throttle.wait()  # None only when the history outgrew a since lowered rate
        self.retry_after = max(1, math.ceil(wait if wait is not None else throttle.duration))
        self.refusal_status = 429
        raise ValidationError(TOO_MANY_ATTEMPTS, code="throttled", params={"seconds": self.retry_after})


class ThrottledLoginForm(ThrottledLoginMixin, LoginForm):
    pass


class ThrottledAdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


def answers_refusal_status(login_view):
    """A login view whose form was refused for the budget answers 429 (or 503) with Retry-After, as the API does."""

    @wraps(login_view)
    def view(request, *args, **kwargs):
        response = login_view(request, *args, **kwargs)
        # Only a re-shown form (a TemplateResponse, not yet rendered) has context; a redirect has none.
        form = getattr(response, "context_data", None) and response.context_data.get("form")
        if getattr(form, "refusal_status", None):
            response.status_code = form.refusal_status
            response["Retry-After"] = str(form.retry_after)
        return response

    return view


login = answers_refusal_status(
    auth_views.LoginView.as_view(
        template_name="pages/login.html", authentication_form=ThrottledLoginForm, redirect_authenticated_user=True
    )
)
