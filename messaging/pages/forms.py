"""Forms of the pages. They only carry the input: the messaging services validate it."""
import uuid

from django import forms

from messaging.pages.error_text import MESSAGE_FIELD_CODES, error_text

FRESH_KEY_CODES = frozenset({"idempotency_key_reused", "idempotency_key_invalid"})


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


class MessageTextForm(forms.Form):
    """A message's text: the edit form, and the send form's text."""

    message = forms.CharField(
        label="Message",
        required=False,  # blank, too long and bad characters are the service's rules
        strip=False,
        widget=forms.Textarea,  # rendered by hand in _send_form.html and edit_message.html
    )

    def clean_message(self):
        # Browsers post a textarea's line breaks as CRLF, the script sends LF: store them the same either way.
        return self.cleaned_data["message"].replace("\r\n", "\n")

    def add_error_codes(self, codes: list[str]) -> None:
        for code in codes:
            self.add_error("message" if code in MESSAGE_FIELD_CODES else None, error_text(code))


class MessageForm(MessageTextForm):
    # One key per rendered form: a resubmitted POST (refresh, double click) sends only once.
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput, initial=new_idempotency_key)

    def add_error_codes(self, codes: list[str]) -> None:
        super().add_error_codes(codes)
        if FRESH_KEY_CODES.intersection(codes):
            # The old key belongs to another message; the next press must send this one.
            self.data = self.data.copy()
            self.data[self.add_prefix("idempotency_key")] = new_idempotency_key()


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label="Handle or name", required=False, max_length=100, strip=True)
