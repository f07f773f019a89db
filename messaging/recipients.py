"""Whom a send goes to, as the edge (API body, page, command) decided it: a handle or a conversation.

The values inside are as the client sent them; the send rules check them and answer with error codes.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class ToHandle:
    """Start the conversation with this user, or continue the one the two already have."""

    handle: str  # as typed: may carry its leading @


@dataclass(frozen=True)
class InConversation:
    """Continue this conversation (the sender must be a member)."""

    message_group_uuid: str


Recipient = ToHandle | InConversation
