from django.urls import path
from rest_framework.routers import SimpleRouter

from messaging.api.blocks import BlockedUsersView, BlockView
from messaging.api.viewsets import MessageGroupViewSet, MessageViewSet

# The old client's paths have no trailing slash.
router = SimpleRouter(trailing_slash=False)
router.register("message_groups", MessageGroupViewSet, basename="message-group")
router.register("messages", MessageViewSet, basename="message")

urlpatterns = [
    path("users/@<str:handle>/block", BlockView.as_view(), name="user-block"),
    path("users/blocked", BlockedUsersView.as_view(), name="users-blocked"),
    *router.urls,
]
