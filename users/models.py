import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower

from users.validators import HANDLE_MAX_LENGTH, is_handle, validate_handle


class UserQuerySet(models.QuerySet):
    def with_handle(self, handle: str) -> "UserQuerySet":
        """The user of `handle` in any case (`Gakar` and `gakar` are one user). Text that is not a handle
        matches nobody and never reaches the database, whose case-insensitive match could fold it into
        another user's handle (on Postgres, `sean` with a long s U+017F matches `sean`)."""
        if not is_handle(handle):
            return self.none()
        return self.filter(handle__iexact=handle)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, handle):
        return self.with_handle(handle).get()

    def get_by_handle(self, handle: str) -> "User":
        return self.with_handle(handle).get()

    def create_user(self, handle, email, password=None, **extra):
        if not email:
            raise ValueError("Users must have an email address")
        extra.setdefault("display_name", handle)
        user = self.model(handle=handle, email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, handle, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(handle, email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    uuid = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False,
        help_text="The user id stored in DynamoDB items.",
    )
    handle = models.CharField(
        max_length=HANDLE_MAX_LENGTH, unique=True, validators=[validate_handle],
        help_text="Unique, case-insensitive; letters, digits and underscores.",
    )
    display_name = models.CharField(max_length=100)
    email = models.EmailField()
    cognito_user_id = models.CharField(
        max_length=128, unique=True, null=True, blank=True,
        help_text="The Cognito `sub` of this user.",
    )
    bio = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)

    objects = UserManager()

    USERNAME_FIELD = "handle"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email", "display_name"]

    class Meta:
        ordering = ["handle"]
        constraints = [
            models.UniqueConstraint(
                Lower("handle"), name="users_user_handle_ci_unique",
                violation_error_message="A user with that handle already exists.",
            ),
            models.UniqueConstraint(
                Lower("email"), name="users_user_email_ci_unique",
                violation_error_message="A user with that email already exists.",
            ),
        ]

    def __str__(self):
        return f"@{self.handle}"

    def save(self, *args, **kwargs):
        # A blank Cognito id must be NULL so the unique constraint allows many unlinked users.
        if not self.cognito_user_id:
            self.cognito_user_id = None
        super().save(*args, **kwargs)
