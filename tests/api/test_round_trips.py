"""DynamoDB round trips per API request at the design's minimum (issue 19), counted on the app's own client:
the list and a conversation's page are one Query, a continued send one TransactWriteItems once the
conversation is in a cache every process writes through (Redis; here the test's one process), a first message
one lookup and one transaction."""
import pytest

from tests.support.ddb_calls import dynamodb_calls
from tests.support.tokens import auth


def send(client, body, sender):
    response = client.post("/api/messages", body, content_type="application/json", **auth(sender))
    assert response.status_code == 200, response.content
    return response.json()


def mark_read(client, group, reader):
    return client.post(f"/api/messages/{group}/read", {}, content_type="application/json", **auth(reader))


@pytest.fixture
def shared_cache(settings):
    settings.CONVERSATION_CACHE_SHARED = True


@pytest.fixture
def first_message(client, app_ddb, shared_cache, alice, bob, carol):
    send(client, {"message": "Hello carol", "handle": "carol"}, alice)  # a process reads the backfill mark once
    with dynamodb_calls() as calls:
        sent = send(client, {"message": "Hello bob", "handle": "bob"}, alice)
    return sent["message_group_uuid"], calls


def test_a_first_message_is_a_pair_lookup_and_one_transaction(first_message):
    _, calls = first_message
    assert calls == ["GetItem", "TransactWriteItems"]


def test_continued_sends_are_one_transaction_each(client, first_message, alice, bob):
    group, _ = first_message
    for sender in (alice, alice, bob):
        with dynamodb_calls() as calls:
            send(client, {"message": f"from {sender.handle}", "message_group_uuid": group}, sender)
        assert calls == ["TransactWriteItems"], sender.handle


def test_reads_are_one_query_each(client, first_message, alice, bob):
    group, _ = first_message
    for path, reader in ((f"/api/messages/{group}", bob), ("/api/message_groups", bob),
                         (f"/api/messages/{group}", alice), ("/api/message_groups/unread", bob)):
        with dynamodb_calls() as calls:
            assert client.get(path, **auth(reader)).status_code == 200
        assert calls == ["Query"], (path, reader.handle)


def test_marking_read_is_one_transaction_and_nothing_new_one_read_of_the_stored_state(client, first_message, bob):
    group, _ = first_message
    with dynamodb_calls() as calls:
        assert mark_read(client, group, bob).json()["unread_count"] == 0
    assert calls == ["TransactWriteItems"]
    with dynamodb_calls() as calls:
        assert mark_read(client, group, bob).status_code == 200
    assert calls == ["GetItem"]


def test_with_a_cache_of_each_process_its_own_a_continued_send_reads_the_conversation_first(client, first_message,
                                                                                          settings, alice):
    """Local memory without CONVERSATION_CACHE_SHARED (several worker processes): another process's write may
    have left this one's entry behind, and a cancelled transaction costs more than a GetItem."""
    settings.CONVERSATION_CACHE_SHARED = False
    group, _ = first_message
    with dynamodb_calls() as calls:
        send(client, {"message": "again", "message_group_uuid": group}, alice)
    assert calls == ["GetItem", "TransactWriteItems"]
    with dynamodb_calls() as calls:
        assert client.get(f"/api/messages/{group}", **auth(alice)).status_code == 200
    assert calls == ["Query"]
