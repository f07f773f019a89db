import logging

from django.contrib import admin

from messaging import blocking
from messaging.errors import MessagesUnavailable
from messaging.models import Block
from messaging.pages.problems import problem_page

logger = logging.getLogger(__name__)


def _unavailable(request, error: MessagesUnavailable):
    logger.warning("block removal in the admin failed, DynamoDB unavailable: %s", error)
    response = problem_page(request, 503, "Messages are unavailable right now",
                            "The block was not removed: the message store did not answer. Try again in a moment.")
    response["Retry-After"] = str(error.retry_after)
    return response


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

    # A removal lifts the block in DynamoDB first; if DynamoDB is down nothing changes (the admin's transaction
    # rolls back) and staff get a 503 page saying so instead of a server error.
    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except MessagesUnavailable as error:
            return _unavailable(request, error)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except MessagesUnavailable as error:
            return _unavailable(request, error)

    def delete_model(self, request, obj):
        blocking.remove_block(block=obj)

    def delete_queryset(self, request, queryset):
        for block in queryset.select_related("blocker", "blocked"):
            blocking.remove_block(block=block)
