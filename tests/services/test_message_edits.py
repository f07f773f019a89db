"""The rules of editing and deleting your own messages (`messaging.message_edits`): every problem with the input
at once as codes, not-yours as NotFound, and which messages the pages offer Edit on."""
from datetime import timedelta

import pytest

from messaging import message_edits, services
from messaging.errors import NotFound, ValidationFailed
from messaging.recipients import InConversation, ToHandle
from tests.support.users import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(app_clock):
    andrew, bayko = make_user("andrewbrown"), make_user("bayko")
    first = services.send_message(sender=andrew, text="Hello", to=ToHandle("bayko"))
    app_clock.advance(timedelta(seconds=10))
    services.send_message(sender=bayko, text="Hi", to=InConversation(first.message_group_uuid))
    return andrew, bayko, services.list_messages(user=andrew, message_group_uuid=first.message_group_uuid).items


def test_every_input_problem_is_answered_at_once():
    with pytest.raises(ValidationFailed) as refused:
        message_edits.edit_message(author=make_user("andrewbrown"), message_group_uuid="nope", message_uuid="",
                                   text=" ")

    assert refused.value.codes == ["message_group_uuid_invalid", "message_uuid_invalid", "message_blank"]


def test_uuids_are_matched_in_any_case(conversation):
    andrew, _, (mine, _) = conversation

    edited = message_edits.edit_message(author=andrew, message_group_uuid=mine.message_group_uuid.upper(),
                                        message_uuid=mine.uuid.upper(), text="Hello!")

    assert (edited.uuid, edited.text) == (mine.uuid, "Hello!")


def test_someone_elses_message_is_not_found(conversation):
    _, bayko, (mine, _) = conversation

    with pytest.raises(NotFound):
        message_edits.delete_message(author=bayko, message_group_uuid=mine.message_group_uuid, message_uuid=mine.uuid)
    with pytest.raises(NotFound):
        message_edits.own_message(author=bayko, message_group_uuid=mine.message_group_uuid, message_uuid=mine.uuid)


def test_edit_is_offered_on_own_undeleted_messages_inside_the_window(conversation, app_clock, settings):
    andrew, bayko, (mine, theirs) = conversation
    settings.MESSAGE_EDIT_WINDOW_SECONDS = 15
    messages = [mine, theirs]

    assert message_edits.editable_uuids(messages=messages, viewer=andrew) == {mine.uuid}
    assert message_edits.editable_uuids(messages=messages, viewer=bayko) == {theirs.uuid}
    app_clock.advance(timedelta(seconds=6))
    assert message_edits.editable_uuids(messages=messages, viewer=andrew) == set(), "sent 16 s ago"
    message_edits.delete_message(author=bayko, message_group_uuid=theirs.message_group_uuid, message_uuid=theirs.uuid)
    deleted = services.list_messages(user=bayko, message_group_uuid=theirs.message_group_uuid).items[-1]
    assert message_edits.editable_uuids(messages=[deleted], viewer=bayko) == set()
