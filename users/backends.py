from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class HandleOrEmailBackend(ModelBackend):
    """Log in with a handle or an email address, both case-insensitive."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        User = get_user_model()
        identifier = username.strip().lstrip("@")  # "@gakar" is how handles are shown
        if "@" in identifier:
            users = User.objects.filter(email__iexact=identifier)
        else:
            users = User.objects.with_handle(identifier)
        try:
            user = users.get()
        except User.DoesNotExist:
            # Spend the same time as a real check, so timing does not reveal which users exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
