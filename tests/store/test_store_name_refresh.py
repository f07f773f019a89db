"""refresh_names: rewrites the names copied into group and conversation items, only where they differ, and
never resurrects an item a concurrent send moved."""
from dataclasses import replace

from messaging.store.models import NamesRefreshReport
from messaging.store.table_check import check_table, scan_items
from tests.support.store import ANDREW, BAYKO, LONDO

RENAMED_BAYKO = replace(BAYKO, handle="bayko2", display_name="Bayko Two")


def resolver(*users):
    by_uuid = {user.uuid: user for user in users}
    return lambda uuids: {uuid: by_uuid[uuid] for uuid in uuids if uuid in by_uuid}


def items_by_key(store) -> dict[tuple[str, str], dict]:
    return {(i["pk"]["S"], i["sk"]["S"]): i for i in scan_items(store.client, store.table_name)}


def test_names_are_rewritten_where_they_differ_and_a_rerun_changes_nothing(store):
    sent = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="hello")
    store.send_to_user(sender=LONDO, recipient=ANDREW, text="hi")
    before = items_by_key(store)
    progress = []

    report = store.refresh_names(resolve=resolver(ANDREW, RENAMED_BAYKO, LONDO), progress=progress.append)
    assert report == NamesRefreshReport(scanned=len(before), group_items_updated=1, conversations_updated=1)
    assert progress[-1] == report
    after = items_by_key(store)
    andrews_group = after[(f"GRP#{ANDREW.uuid}", sent.created_at)]
    assert (andrews_group["user_handle"], andrews_group["user_display_name"]) == ({"S": "bayko2"},
                                                                                 {"S": "Bayko Two"})
    members = after[(f"CONV#{sent.message_group_uuid}", "CONV")]["members"]["M"]
    assert members[BAYKO.uuid]["M"]["handle"] == {"S": "bayko2"}
    assert members[BAYKO.uuid]["M"]["display_name"] == {"S": "Bayko Two"}
    # Only those attributes changed: the old backend's shapes hold, messages keep their names as sent.
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {(f"GRP#{ANDREW.uuid}", sent.created_at), (f"CONV#{sent.message_group_uuid}", "CONV")}
    assert set(andrews_group) == set(before[(f"GRP#{ANDREW.uuid}", sent.created_at)])
    assert check_table(store.client, store.table_name) == []

    again = store.refresh_names(resolve=resolver(ANDREW, RENAMED_BAYKO, LONDO))
    assert (again.group_items_updated, again.conversations_updated, again.moved) == (0, 0, 0)
    assert items_by_key(store) == after


def test_only_one_users_names_and_unknown_users_are_left(store):
    store.send_to_user(sender=ANDREW, recipient=BAYKO, text="hello")
    renamed_andrew = replace(ANDREW, display_name="Andy")
    report = store.refresh_names(resolve=resolver(renamed_andrew, RENAMED_BAYKO), only_user_uuid=BAYKO.uuid)
    assert (report.group_items_updated, report.conversations_updated) == (1, 1)
    assert [g.other.display_name for g in store.list_groups(user_uuid=BAYKO.uuid, limit=5).items] == [
        "Andrew Brown"]
    report = store.refresh_names(resolve=resolver(RENAMED_BAYKO))
    assert report.unknown_users == 1  # andrew, in both items of the one page scanned


def test_a_send_that_moves_the_items_meanwhile_wins_and_nothing_is_resurrected(store):
    first = store.send_to_user(sender=ANDREW, recipient=BAYKO, text="hello")
    resolve_renamed = resolver(ANDREW, RENAMED_BAYKO)

    def resolve_while_a_send_rekeys(uuids):
        # The scan has read the page; a send now deletes both group items and writes them at a new time.
        conversation = store.get_conversation(message_group_uuid=first.message_group_uuid)
        store.send_in_conversation(conversation=conversation, sender=ANDREW, text="meanwhile")
        return resolve_renamed(uuids)

    report = store.refresh_names(resolve=resolve_while_a_send_rekeys)
    assert report.moved == 1 and report.group_items_updated == 0
    assert not [i for i in scan_items(store.client, store.table_name)
                if i["pk"]["S"].startswith("GRP#") and i["sk"]["S"] == first.created_at], "no item recreated"
    assert check_table(store.client, store.table_name) == []
    # The rerun brings the moved item up to date.
    assert store.refresh_names(resolve=resolve_renamed).group_items_updated == 1
    assert [g.other.handle for g in store.list_groups(user_uuid=ANDREW.uuid, limit=5).items] == ["bayko2"]


def test_a_send_writes_the_current_names_it_is_given_into_the_items(store):
    store.send_to_user(sender=ANDREW, recipient=BAYKO, text="hello")
    reply = store.send_to_user(sender=RENAMED_BAYKO, recipient=ANDREW, text="new name, same me")
    [andrews_group] = store.list_groups(user_uuid=ANDREW.uuid, limit=5).items
    assert andrews_group.other == RENAMED_BAYKO
    conversation = store.get_conversation(message_group_uuid=reply.message_group_uuid)
    assert conversation.member(BAYKO.uuid) == RENAMED_BAYKO
    assert store.refresh_names(resolve=resolver(ANDREW, RENAMED_BAYKO)).group_items_updated == 0
