"""The messaging rules: validation codes of the old backend and the ones users need."""
import pytest

from messaging import services
from messaging.errors import NotFound, ValidationFailed
from messaging.recipients import InConversation, ToHandle
from users import selectors
from users.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(app_ddb):
    make = User.objects.create_user
    return (make("andrewbrown", "a@example.com", "pw", display_name="Andrew Brown"),
            make("bayko", "b@example.com", "pw", display_name="Andrew Bayko"),
            make("londo", "l@example.com", "pw", display_name="Londo Mollari"))


def codes_of(**kwargs) -> list[str]:
    with pytest.raises(ValidationFailed) as excinfo:
        services.send_message(**kwargs)
    return excinfo.value.codes


@pytest.mark.parametrize(("kwargs", "codes"), [
    ({"text": "", "to": ToHandle("bayko")}, ["message_blank"]),
    ({"text": "  \n ", "to": ToHandle("bayko")}, ["message_blank"]),
    ({"text": "x" * 1025, "to": ToHandle("bayko")}, ["message_exceed_max_chars"]),
    ({"text": "a\x00b", "to": ToHandle("bayko")}, ["message_invalid_characters"]),
    ({"text": "hi", "to": ToHandle("")}, ["user_reciever_handle_blank"]),
    ({"text": "", "to": ToHandle("")}, ["user_reciever_handle_blank", "message_blank"]),
    ({"text": "hi", "to": InConversation("")}, ["message_group_uuid_blank"]),
    ({"text": "hi", "to": InConversation("../etc")}, ["message_group_uuid_invalid"]),
    ({"text": "hi", "to": ToHandle("nobody")}, ["user_reciever_handle_not_found"]),
    ({"text": "hi", "to": ToHandle("ANDREWBROWN")}, ["message_to_self"]),
    ({"text": "hi", "to": ToHandle("bayko"), "idempotency_key": "has space"}, ["idempotency_key_invalid"]),
])
def test_bad_sends_are_refused_with_codes_and_store_nothing(people, kwargs, codes):
    sender = people[0]
    assert codes_of(sender=sender, **kwargs) == codes
    assert services.list_message_groups(user=sender).items == []


def test_1024_characters_counted_as_users_count_them(people):
    thumbs = "👍🏽" * 1024  # two code points each, one character to a reader
    message = services.send_message(sender=people[0], text=thumbs, to=ToHandle("bayko"))
    assert message.text == thumbs
    assert codes_of(sender=people[0], text=thumbs + "👍🏽", to=ToHandle("bayko")) == ["message_exceed_max_chars"]


def test_text_is_stored_exactly_as_sent(people):
    text = "  two  spaces\tand a tab\nnew line <b>bold</b> 日本語  "
    message = services.send_message(sender=people[0], text=text, to=ToHandle("@Bayko"))
    [stored] = services.list_messages(user=people[1], message_group_uuid=message.message_group_uuid).items
    assert stored.text == text


def test_only_members_read_or_post(people):
    andrew, bayko, londo = people
    group = services.send_message(sender=andrew, text="hi", to=ToHandle("bayko")).message_group_uuid
    with pytest.raises(NotFound):
        services.list_messages(user=londo, message_group_uuid=group)
    with pytest.raises(NotFound):
        services.send_message(sender=londo, text="let me in", to=InConversation(group))
    assert [m.text for m in services.list_messages(user=bayko, message_group_uuid=group).items] == ["hi"]


def test_paging_arguments_are_validated(people):
    andrew = people[0]
    for bad in ("0", "101", "abc", "-1"):
        with pytest.raises(ValidationFailed) as excinfo:
            services.list_message_groups(user=andrew, limit=bad)
        assert excinfo.value.codes == ["limit_invalid"]
    with pytest.raises(ValidationFailed) as excinfo:
        services.list_message_groups(user=andrew, before="@@@")
    assert excinfo.value.codes == ["cursor_invalid"]


def test_user_short_and_search(people):
    assert selectors.user_short(handle="BAYKO").display_name == "Andrew Bayko"
    with pytest.raises(NotFound):
        selectors.user_short(handle="nobody")
    assert [u.handle for u in selectors.search_users(query="andrew")] == ["andrewbrown", "bayko"]
    assert selectors.search_users(query="  ") == []
