"""GET /api/events through the ASGI application: authorization, live messages, exact recovery with
Last-Event-ID (several conversations, a week-old id, a late commit), the limits, and what the WSGI path does."""
import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from cruddur.asgi import application
from messaging import ddb, message_edits, services
from messaging.live.events import Position
from messaging.live.serializers import MessageEventSerializer
from messaging.recipients import InConversation, ToHandle
from messaging.services import user_ref
from messaging.store.store import MessageStore
from messaging.store.timefmt import format_time, parse_time
from tests.support.sse import AsgiStream, BlockSplitter, messages
from tests.support.tokens import auth

WAIT = 5  # seconds: a bounded wait, never a timing assertion


@pytest.fixture(autouse=True)
def live_settings(settings, app_ddb):
    settings.LIVE_HEARTBEAT_SECONDS = 0.2
    settings.LIVE_COMMIT_WINDOW_SECONDS = 15


def bearer(user) -> dict:
    return {"Authorization": auth(user)["HTTP_AUTHORIZATION"]}


def stream(headers: dict, url: str = "/api/events") -> AsgiStream:
    return AsgiStream(application, url, headers)


send = sync_to_async(services.send_message)


def is_message(block) -> bool:
    return block.event == "message"


def run(scenario):
    return async_to_sync(scenario)()


def test_anonymous_is_401_json(client):
    response = client.get("/api/events")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("bad", ["", "yesterday", "123-zz", "1-" + "a" * 11, "1-" + "a" * 13, "9" * 18 + "-"])
def test_a_malformed_last_event_id_is_422(client, alice, bad):
    for request in ({"HTTP_LAST_EVENT_ID": bad}, {"QUERY_STRING": f"last_event_id={bad}"}):
        response = client.get("/api/events", **request, **auth(alice))
        assert (response.status_code, response.json()) == (422, ["last_event_id_invalid"]), request


def test_a_message_reaches_both_members_streams_and_no_one_else(alice, bob, carol):
    headers = {who: bearer(who) for who in (alice, bob, carol)}

    async def scenario():
        streams = {who: stream(headers[who]) for who in (alice, bob, carol)}
        for s in streams.values():
            assert await s.open() == 200
            assert s.headers["content-type"].startswith("text/event-stream")
            first = await s.next_block(WAIT)
            assert first.id and first.retry == 3000
        sent = await send(sender=alice, text="Hello bob", to=ToHandle("bob"))
        for who in (alice, bob):
            found = await streams[who].until(is_message, WAIT)
            event = found[-1]
            assert event.data == dict(MessageEventSerializer(sent).data)
            assert list(event.data) == ["message_group_uuid", "uuid", "display_name", "handle", "message",
                                        "created_at", "edited_at", "deleted"]
            assert Position.parse(event.id).delivered(sent.uuid)
        # carol's stream keeps beating and carries nothing of theirs
        assert messages(await streams[carol].two_heartbeats(WAIT)) == []
        for s in streams.values():
            await s.close()

    run(scenario)


def test_reconnecting_recovers_exactly_the_missed_messages_of_every_conversation_in_order(alice, bob, carol):
    headers = bearer(bob)

    async def scenario():
        first = stream(headers)
        await first.open()
        await first.next_block(WAIT)
        hello = await send(sender=alice, text="a0", to=ToHandle("bob"))
        last_seen = (await first.until(is_message, WAIT))[-1]
        await first.close()

        # Missed while away: three conversations, both directions.
        missed = []
        in_hello = InConversation(hello.message_group_uuid)
        for sender, text, to in [(alice, "a1", in_hello), (carol, "c1", ToHandle("bob")),
                                 (bob, "b-to-a", ToHandle("alice")), (carol, "c2", ToHandle("bob")),
                                 (alice, "a2", in_hello)]:
            missed.append(await send(sender=sender, text=text, to=to))

        again = stream({**headers, "Last-Event-ID": last_seen.id})
        await again.open()
        found = await again.until(lambda b: is_message(b) and b.data["uuid"] == missed[-1].uuid, WAIT)
        recovered = messages(found)
        assert [e.data["uuid"] for e in recovered] == [m.uuid for m in missed]  # all, once, in time order
        live = await send(sender=carol, text="live", to=ToHandle("bob"))
        after = await again.until(is_message, WAIT)
        assert [e.data["uuid"] for e in messages(after)] == [live.uuid]
        # a reconnect from the newest id gets nothing again
        await again.close()
        last = stream({**headers, "Last-Event-ID": after[-1].id})
        await last.open()
        beats = await last.until(lambda b: b.is_heartbeat, WAIT)
        assert messages(beats) == []
        await last.close()

    run(scenario)


def test_a_week_old_id_recovers_everything_since_and_nothing_before(alice, bob, app_ddb):
    now = datetime.now(UTC)

    def store_at(moment):
        return MessageStore(*app_ddb, clock=lambda: moment)

    ten_days = store_at(now - timedelta(days=10)).send_to_user(sender=user_ref(user=alice),
                                                                recipient=user_ref(user=bob), text="ten days ago")
    conversation = ddb.get_store().get_conversation(message_group_uuid=ten_days.message_group_uuid)
    six_days = store_at(now - timedelta(days=6)).send_in_conversation(
        conversation=conversation, sender=user_ref(user=bob), text="six days ago")
    week_old = Position(format_time(now - timedelta(days=7))).event_id()
    headers = {**bearer(bob), "Last-Event-ID": week_old}

    async def scenario():
        s = stream(headers)
        await s.open()
        today = await send(sender=alice, text="today", to=ToHandle("bob"))
        found = await s.until(lambda b: is_message(b) and b.data["uuid"] == today.uuid, WAIT)
        assert [e.data["message"] for e in messages(found)] == ["six days ago", "today"]
        assert six_days.uuid == messages(found)[0].data["uuid"]
        await s.close()

    run(scenario)


def test_a_message_committed_late_with_an_earlier_time_is_recovered_within_the_commit_window(
        alice, bob, carol, app_ddb):
    """Another process took the message's time before a later message of another conversation was delivered, and
    committed after it (its clock behind, or its transaction slow): the reconnect still gets it, once. Past the
    window (LIVE_COMMIT_WINDOW_SECONDS) the guarantee does not hold, and the test says so."""
    headers = bearer(bob)
    a_b = services.send_message(sender=alice, text="start", to=ToHandle("bob"))
    c_b = services.send_message(sender=carol, text="start", to=ToHandle("bob"))

    async def scenario():
        first = stream(headers)
        await first.open()
        await first.next_block(WAIT)
        delivered = await send(sender=carol, text="later time", to=InConversation(c_b.message_group_uuid))
        last_seen = (await first.until(is_message, WAIT))[-1]
        await first.close()
        behind = parse_time(delivered.created_at)

        def late(seconds_behind: float, text: str):
            conversation = ddb.get_store().get_conversation(message_group_uuid=a_b.message_group_uuid)
            store = MessageStore(*app_ddb, clock=lambda: behind - timedelta(seconds=seconds_behind))
            return store.send_in_conversation(conversation=conversation, sender=user_ref(user=alice), text=text)

        in_window = await sync_to_async(late)(5, "5 s behind")
        again = stream({**headers, "Last-Event-ID": last_seen.id})
        await again.open()
        found = await again.until(is_message, WAIT)
        found += await again.until(lambda b: b.is_heartbeat, WAIT)
        assert [e.data["uuid"] for e in messages(found)] == [in_window.uuid]
        await again.close()

    run(scenario)


def test_the_per_user_cap_refuses_with_a_retry_hint_and_a_closed_stream_frees_its_slot(settings, bob):
    settings.LIVE_MAX_STREAMS_PER_USER = 2
    headers = bearer(bob)

    async def scenario():
        from messaging.live.bus import get_hub

        opened = [stream(headers), stream(headers)]
        for s in opened:
            await s.open()
            assert (await s.next_block(WAIT)).retry == 3000
        refused = stream(headers)
        assert await refused.open() == 200
        rest = await refused.rest(WAIT)
        assert [(b.retry, b.comments) for b in rest] == [(settings.LIVE_BUS_DOWN_RETRY_MS, ["too many open streams"])]
        await refused.close()
        await opened[0].close()
        assert get_hub().open_count(str(bob.uuid)) == 1
        replacement = stream(headers)
        await replacement.open()
        assert (await replacement.next_block(WAIT)).retry == 3000
        for s in (opened[1], replacement):
            await s.close()
        assert get_hub().open_count(str(bob.uuid)) == 0

    run(scenario)


def test_a_client_gone_before_the_first_frame_keeps_no_slot(settings, bob):
    settings.LIVE_MAX_STREAMS_PER_USER = 1
    headers = bearer(bob)

    async def scenario():
        from messaging.live.bus import get_hub

        for _ in range(3):
            await stream(headers).hang_up_early()
        assert get_hub().open_count(str(bob.uuid)) == 0
        s = stream(headers)
        await s.open()
        assert (await s.next_block(WAIT)).retry == 3000
        await s.close()

    run(scenario)


@pytest.mark.parametrize("limit", ["LIVE_MAX_LIFETIME_SECONDS", "LIVE_IDLE_SECONDS"])
def test_a_stream_past_its_lifetime_or_idle_time_closes_cleanly_with_a_retry_hint(settings, alice, bob, limit):
    setattr(settings, limit, 0.6)
    headers = bearer(bob)

    async def scenario():
        s = stream(headers)
        await s.open()
        rest = await s.rest(WAIT)
        assert s.ended and rest[-1].retry == settings.LIVE_RETRY_MS
        await s.close()

    run(scenario)


def test_a_client_that_stops_reading_is_dropped_not_buffered(settings, bob):
    """The queue of a stream whose writes wait (its client stopped reading) fills up: the stream is dropped."""
    settings.LIVE_QUEUE_SIZE = 3

    async def scenario():
        from messaging.live.bus import Envelope, get_hub

        hub = get_hub()
        blocked = asyncio.Event()

        async def writer():
            connection = hub.open(user_uuid=str(bob.uuid), queue_size=3, max_streams=1)
            try:
                await blocked.wait()  # a send that never completes
            finally:
                hub.close(connection)

        task = asyncio.ensure_future(writer())
        await asyncio.sleep(0)
        for n in range(4):
            hub.deliver(Envelope("message", (str(bob.uuid),), {"uuid": f"{n}", "created_at": "x"}))
        with pytest.raises(asyncio.CancelledError):
            await task
        assert hub.open_count(str(bob.uuid)) == 0

    run(scenario)


def test_under_wsgi_the_endpoint_catches_up_and_closes_with_a_retry_hint(client, alice, bob):
    first = services.send_message(sender=alice, text="one", to=ToHandle("bob"))
    start = Position.starting_at(datetime.now(UTC), window=timedelta(seconds=15),
                                 seen=[(first.uuid, first.created_at)]).event_id()
    second = services.send_message(sender=alice, text="two", to=ToHandle("bob"))
    response = client.get("/api/events", HTTP_LAST_EVENT_ID=start, **auth(bob))
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    found = BlockSplitter().feed(body)
    assert found[0].retry == 3000
    assert [b.data["uuid"] for b in messages(found)] == [second.uuid]


def test_a_read_reaches_only_that_users_streams_with_the_total(alice, bob, carol):
    headers = {who: bearer(who) for who in (alice, bob)}

    async def scenario():
        await send(sender=carol, text="still unread", to=ToHandle("bob"))
        sent = [await send(sender=alice, text=text, to=ToHandle("bob")) for text in ("one", "two")]
        group = sent[0].message_group_uuid
        streams = {who: stream(headers[who]) for who in (alice, bob)}
        for s in streams.values():
            await s.open()
            await s.next_block(WAIT)
        await sync_to_async(services.mark_read)(user=bob, message_group_uuid=group)
        found = await streams[bob].until(lambda b: b.event == "read", WAIT)
        assert found[-1].data == {"message_group_uuid": group, "unread_count": 0, "total_unread_count": 1}
        assert found[-1].id
        assert all(b.event is None for b in await streams[alice].two_heartbeats(WAIT))
        for s in streams.values():
            await s.close()

    run(scenario)


def test_an_edit_and_a_delete_reach_both_members_streams_and_no_one_else(alice, bob, carol):
    headers = {who: bearer(who) for who in (alice, bob, carol)}
    edit = sync_to_async(message_edits.edit_message)
    delete = sync_to_async(message_edits.delete_message)

    async def scenario():
        sent = await send(sender=alice, text="helo", to=ToHandle("bob"))
        streams = {who: stream(headers[who]) for who in (alice, bob, carol)}
        for s in streams.values():
            await s.open()
            await s.next_block(WAIT)
        await edit(author=alice, message_group_uuid=sent.message_group_uuid, message_uuid=sent.uuid, text="hello")
        await delete(author=alice, message_group_uuid=sent.message_group_uuid, message_uuid=sent.uuid)
        for who in (alice, bob):
            updated = (await streams[who].until(lambda b: b.event == "message_updated", WAIT))[-1]
            assert (updated.data["uuid"], updated.data["message"]) == (sent.uuid, "hello")
            assert updated.data["edited_at"] and updated.data["deleted"] is False
            deleted = (await streams[who].until(lambda b: b.event == "message_deleted", WAIT))[-1]
            assert deleted.data == {"message_group_uuid": sent.message_group_uuid, "uuid": sent.uuid, "deleted": True}
        assert all(b.event is None for b in await streams[carol].two_heartbeats(WAIT))
        for s in streams.values():
            await s.close()

    run(scenario)
