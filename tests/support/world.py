"""The cast of the security tests: alice and bob talk, carol is a stranger to them, and a staff
member who is in no conversation."""
from dataclasses import dataclass

from messaging import services
from messaging.recipients import ToHandle
from tests.support.users import make_user
from users.models import User


@dataclass
class World:
    alice: User
    bob: User
    carol: User
    staff: User
    group: str  # alice and bob's conversation

    def texts(self) -> list[str]:
        return [m.text for m in services.list_messages(user=self.alice, message_group_uuid=self.group).items]


def make_world(alice: User, bob: User, carol: User) -> World:
    staff = make_user("staffer", is_staff=True, is_superuser=True)
    group = services.send_message(sender=alice, text="Hello bob", to=ToHandle("bob")).message_group_uuid
    return World(alice, bob, carol, staff, group)
