"""Staff see, search and remove blocks in Django admin; removing one lifts it in DynamoDB too."""
import re

import pytest

from messaging import blocking, services
from messaging.errors import ValidationFailed
from messaging.models import Block
from messaging.recipients import InConversation, ToHandle
from tests.support.users import make_user


@pytest.fixture
def staff_client(client, db):
    client.force_login(make_user("staffer", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def blocks(app_ddb, alice, bob, carol):
    group = services.send_message(sender=alice, text="Hello bob", to=ToHandle("bob")).message_group_uuid
    blocking.block_user(blocker=alice, handle="bob")
    blocking.block_user(blocker=carol, handle="alice")
    return group


def rows(html: str) -> list[tuple[str, str]]:
    """(blocker, blocked) of each row of the admin's list."""
    return re.findall(r'<th class="field-blocker nowrap"><a [^>]*>(@\w+)</a></th>\s*'
                      r'<td class="field-blocked nowrap">(@\w+)</td>', html)


def test_staff_list_and_search_blocks(staff_client, blocks):
    listing = staff_client.get("/admin/messaging/block/").content.decode()
    assert sorted(rows(listing)) == [("@alice", "@bob"), ("@carol", "@alice")]
    assert 'class="field-created_at' in listing
    assert rows(staff_client.get("/admin/messaging/block/", {"q": "bob"}).content.decode()) == [("@alice", "@bob")]
    assert rows(staff_client.get("/admin/messaging/block/", {"q": "Carol"}).content.decode()) == [("@carol", "@alice")]


def test_staff_remove_a_block_and_it_is_lifted_for_sends(staff_client, blocks, alice, bob):
    block = Block.objects.get(blocker=alice, blocked=bob)
    with pytest.raises(ValidationFailed):
        services.send_message(sender=bob, text="hi", to=InConversation(blocks))
    response = staff_client.post(f"/admin/messaging/block/{block.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Block.objects.filter(pk=block.pk).exists()
    assert blocking.blocked_users(blocker=alice) == []
    assert services.send_message(sender=bob, text="hi again", to=InConversation(blocks)).text == "hi again"
    assert [g.uuid for g in services.list_message_groups(user=alice).items] == [blocks]


def test_staff_remove_blocks_in_bulk(staff_client, blocks, alice, carol):
    response = staff_client.post("/admin/messaging/block/", {
        "action": "delete_selected", "_selected_action": list(Block.objects.values_list("pk", flat=True)),
        "post": "yes",
    })
    assert response.status_code == 302
    assert not Block.objects.exists()
    assert blocking.blocked_users(blocker=alice) == blocking.blocked_users(blocker=carol) == []


def test_staff_cannot_add_or_change_blocks(staff_client, blocks):
    before = list(Block.objects.values())
    block = Block.objects.first()
    assert staff_client.get("/admin/messaging/block/add/").status_code == 403
    staff_client.post(f"/admin/messaging/block/{block.pk}/change/", {"blocker": block.blocked_id})
    assert list(Block.objects.values()) == before


def test_people_who_are_not_staff_see_no_blocks(client, blocks, alice):
    client.force_login(alice)
    assert client.get("/admin/messaging/block/").status_code == 302


def test_removing_a_block_while_dynamodb_is_down_is_a_503_and_keeps_it(staff_client, blocks, alice, bob,
                                                                      unreachable_dynamodb):
    block = Block.objects.get(blocker=alice, blocked=bob)
    response = staff_client.post(f"/admin/messaging/block/{block.pk}/delete/", {"post": "yes"})
    assert response.status_code == 503
    assert "The block was not removed" in response.content.decode()
    bulk = staff_client.post("/admin/messaging/block/", {
        "action": "delete_selected", "_selected_action": [block.pk], "post": "yes"})
    assert bulk.status_code == 503
    assert Block.objects.filter(pk=block.pk).exists()
