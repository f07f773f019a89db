"""The login form of the site's login page."""
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from users.validators import LOGIN_MAX_LENGTH


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That handle or email and password do not match. Please try again.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = "Handle or email"
        # AuthenticationForm caps the input at the handle's 32 characters (in the browser only): an email
        # may be longer, and anything longer than an email is refused here, before the user lookup.
        username.max_length = LOGIN_MAX_LENGTH
        username.validators.append(MaxLengthValidator(LOGIN_MAX_LENGTH))
        username.widget.attrs.update(autocomplete="username", autocapitalize="none", maxlength=str(LOGIN_MAX_LENGTH))
