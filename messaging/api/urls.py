from django.urls import path
from rest_framework.routers import SimpleRouter

from messaging.api.events import EventStreamView
from messaging.api.viewsets import MessageGroupViewSet, MessageViewSet

# The old client's paths have no trailing slash.
router = SimpleRouter(trailing_slash=False)
router.register("message_groups", MessageGroupViewSet, basename="message-group")
router.register("messages", MessageViewSet, basename="message")

urlpatterns = [path("events", EventStreamView.as_view(), name="events"), *router.urls]
