"""The relational record of blocks, for listing them in Django admin.

The block items in DynamoDB are the authority: every send checks them inside its own transaction.
messaging.blocking writes DynamoDB first and this record second, and removes them in the same order, so a
failure between the two leaves a block enforced but missing here (repeating the block repairs it), never a
block listed here but not enforced."""
from django.conf import settings
from django.db import models


class Block(models.Model):
    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="messaging_block_unique")]

    def __str__(self):
        return f"@{self.blocker.handle} blocks @{self.blocked.handle}"
