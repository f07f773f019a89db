"""Reading the server-rendered pages in tests: the send form's hidden key, the shown messages, form errors."""
import re


def hidden_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([^"]+)"', html).group(1)


def message_list(html: str) -> str:
    return re.search(r'<ol class="messages" id="messages".*?</ol>', html, re.S).group(0)


def message_texts(html: str) -> list[str]:
    """The texts of the shown messages, oldest first, as they appear in the HTML (escaped)."""
    return re.findall(r'<p class="text">(.*?)</p>', message_list(html), re.S)


def form_errors(html: str) -> list[str]:
    """The errors shown next to the message box."""
    errors = re.search(r'<ul class="errors" id="message-errors"[^>]*>(.*?)</ul>', html, re.S).group(1)
    return [text.strip() for text in re.findall(r"<li>(.*?)</li>", errors, re.S)]


def message_item(html: str, message_uuid: str) -> str:
    """The shown message with this uuid: its whole list item."""
    return re.search(rf'<li class="message[^"]*" data-uuid="{message_uuid}".*?</li>', message_list(html), re.S).group(0)
