"""The unread total in every page's header, for signed-in users (one DynamoDB Query per page rendered)."""
import logging

from django.utils.functional import SimpleLazyObject

from messaging import services
from messaging.errors import MessagesUnavailable

logger = logging.getLogger(__name__)


def unread_total(request) -> dict:
    if not request.user.is_authenticated:
        return {}

    def summary():
        try:
            return services.unread_summary(user=request.user)
        except MessagesUnavailable as error:
            # The header is not worth failing a page for: it shows no total this time.
            logger.warning("no unread total for the header: %s", error)
            return None

    # Asked only when a template shows it (after the view's own writes, such as marking read).
    return {"unread_summary": SimpleLazyObject(summary)}
