from django.urls import re_path
from rest_framework.routers import SimpleRouter

from messaging.api.edits import MessageView
from messaging.api.viewsets import MessageGroupViewSet, MessageViewSet

# The old client's paths have no trailing slash.
router = SimpleRouter(trailing_slash=False)
router.register("message_groups", MessageGroupViewSet, basename="message-group")
router.register("messages", MessageViewSet, basename="message")

urlpatterns = [
    *router.urls,
    # Hex digits and dashes only, so that actions on a conversation (`.../read`) never reach this view;
    # the service answers a malformed uuid of that shape with its error code.
    re_path(r"^messages/(?P<message_group_uuid>[^/]+)/(?P<message_uuid>[0-9A-Fa-f-]+)$", MessageView.as_view(),
            name="message-item"),
]
