"""Event ids as stream positions, the frames, and the bus's envelopes (messaging/live/events.py, bus.py)."""
from datetime import UTC, datetime, timedelta

import pytest

from messaging.live.bus import Envelope
from messaging.live.events import InvalidEventId, Position, frame, retry_frame, uuid_prefix

WINDOW = timedelta(seconds=15)
A = "3f1c9a0e-5b7d-4c2a-9e1f-0123456789ab"
B = "7a2b3c4d-5e6f-4a1b-8c2d-abcdefabcdef"


def test_an_id_round_trips_its_watermark_and_delivered_messages():
    position = Position("2026-11-24T12:30:00.000000+00:00")
    position.advance(message_uuid=A, created_at="2026-11-24T12:30:01.000000+00:00", window=WINDOW)
    position.advance(message_uuid=B, created_at="2026-11-24T12:30:20.000000+00:00", window=WINDOW)
    assert position.watermark == "2026-11-24T12:30:05.000000+00:00"  # 15 s behind the newest
    assert set(position.seen) == {uuid_prefix(B)}  # A is behind the watermark now
    again = Position.parse(position.event_id())
    assert again.watermark == position.watermark
    assert again.delivered(B) and not again.delivered(A)


def test_the_watermark_never_moves_back():
    position = Position("2026-11-24T12:30:00.000000+00:00")
    position.advance(message_uuid=A, created_at="2026-11-24T12:29:00.000000+00:00", window=WINDOW)
    assert position.watermark == "2026-11-24T12:30:00.000000+00:00"


def test_a_page_position_counts_only_the_shown_messages_inside_the_window():
    now = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    position = Position.starting_at(now, window=WINDOW, seen=[(A, "2026-11-24T12:29:55.000000+00:00"),
                                                              (B, "2026-11-24T12:00:00.000000+00:00")])
    assert position.watermark == "2026-11-24T12:29:45.000000+00:00"
    assert position.delivered(A) and not position.delivered(B)


def test_an_id_with_nothing_delivered_after_its_watermark_is_valid():
    assert Position.parse("1795521586123456-").seen == {}


@pytest.mark.parametrize("bad", ["", " 1-", "x-", "1-ABCDEFABCDEF", "1-abc", "1-" + "a" * 12 + ".",
                                 "9" * 18 + "-", "1_" + "a" * 12, "1-" + "a" * 12 + ".b"])
def test_malformed_ids_are_refused(bad):
    with pytest.raises(InvalidEventId):
        Position.parse(bad)


def test_frames_are_one_line_of_json_data_with_id_and_type():
    text = frame(event="message", data={"message": "two\nlines"}, event_id="1-")
    assert text == 'id: 1-\nevent: message\ndata: {"message":"two\\nlines"}\n\n'
    assert retry_frame(3000, "idle") == ": idle\nretry: 3000\n\n"


def test_envelopes_round_trip_through_json():
    envelope = Envelope("read", ("u1",), {"unread_count": 1})
    assert Envelope.from_json(envelope.to_json().encode()) == envelope
