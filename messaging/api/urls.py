from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from messaging.api.blocks import BlockedUsersView, BlockView
from messaging.api.edits import MessageView
from messaging.api.events import EventStreamView
from messaging.api.viewsets import MessageGroupViewSet, MessageViewSet

UUID_PATTERN = "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}"

# The old client's paths have no trailing slash.
router = SimpleRouter(trailing_slash=False)
router.register("message_groups", MessageGroupViewSet, basename="message-group")
router.register("messages", MessageViewSet, basename="message")

urlpatterns = [
    path("events", EventStreamView.as_view(), name="events"),
    path("users/@<str:handle>/block", BlockView.as_view(), name="user-block"),
    path("users/blocked", BlockedUsersView.as_view(), name="users-blocked"),
    *router.urls,
    # Only a uuid-shaped last segment is a message: anything else under a conversation (an action such as
    # `.../read`, or no message at all) is another route or an unknown path (404).
    re_path(rf"^messages/(?P<message_group_uuid>[^/]+)/(?P<message_uuid>{UUID_PATTERN})$", MessageView.as_view(),
            name="message-item"),
]
