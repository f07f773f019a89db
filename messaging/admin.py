from django.contrib import admin

from messaging import blocking
from messaging.models import Block


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    """Staff see, search and remove blocks; removing one lifts it in DynamoDB first (messaging.blocking)."""

    list_display = ("blocker", "blocked", "created_at")
    search_fields = ("blocker__handle", "blocker__display_name", "blocked__handle", "blocked__display_name")
    list_select_related = ("blocker", "blocked")
    readonly_fields = ("blocker", "blocked", "created_at")

    def has_add_permission(self, request):
        return False  # blocks are made by the people who need them, through the API and the pages

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        blocking.remove_block(block=obj)

    def delete_queryset(self, request, queryset):
        for block in queryset.select_related("blocker", "blocked"):
            blocking.remove_block(block=block)
