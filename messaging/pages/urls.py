from django.urls import path
from django.views.generic import RedirectView

from messaging.pages import blocks, edits, views

app_name = "pages"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="pages:conversations"), name="home"),
    path("messages", views.conversations, name="conversations"),
    path("messages/new/<str:handle>", views.new_message, name="new-message"),
    path("messages/<uuid:message_group_uuid>", views.conversation, name="conversation"),
    path("messages/<uuid:message_group_uuid>/<uuid:message_uuid>/edit", edits.edit_message, name="edit-message"),
    path("messages/<uuid:message_group_uuid>/<uuid:message_uuid>/delete", edits.delete_message,
         name="delete-message"),
    path("messages/<uuid:message_group_uuid>/mute", views.mute, name="mute"),
    path("people", views.people, name="people"),
    path("people/blocked", blocks.blocked, name="blocked"),
    path("people/@<str:handle>/block", blocks.block, name="block"),
]
