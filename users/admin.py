from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm

from users.models import User


class UserCreationAdminForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("handle", "display_name", "email")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    list_display = ("handle", "display_name", "email", "cognito_user_id", "created_at", "is_staff")
    list_filter = ("is_staff", "is_superuser", "is_active", "created_at")
    search_fields = ("handle", "display_name", "email")
    ordering = ("handle",)
    readonly_fields = ("uuid", "created_at", "last_login")
    fieldsets = (
        (None, {"fields": ("uuid", "handle", "password")}),
        ("Profile", {"fields": ("display_name", "email", "bio", "cognito_user_id")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("created_at", "last_login")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("handle", "display_name", "email", "password1", "password2")}),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "bio" and field is not None:
            field.widget = forms.Textarea(attrs={"rows": 3})
        return field
