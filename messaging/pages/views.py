"""The message pages. They call `messaging.services` and `users.selectors` only, and follow post-redirect-get."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from messaging import blocking, message_edits, services
from messaging.errors import NotFound, ValidationFailed
from messaging.pages import presenters
from messaging.pages.error_text import ERROR_TEXT, UNKNOWN_ERROR_TEXT, error_text
from messaging.pages.forms import MessageForm, PeopleSearchForm
from messaging.pages.problems import bad_link_page, not_found_page, store_unavailable_as_page
from messaging.recipients import InConversation, Recipient, ToHandle
from messaging.store.models import Message
from messaging.validation import MAX_MESSAGE_CHARS
from users import selectors
from users.models import User

UNPROCESSABLE = 422  # a form sent back with its errors


def form_context(form: MessageForm) -> dict:
    # The page's script shows the API's error codes with the same words as the server does.
    error_text_json = {"codes": ERROR_TEXT, "unknown": UNKNOWN_ERROR_TEXT}
    return {"form": form, "max_chars": MAX_MESSAGE_CHARS, "error_text": error_text_json}


def send_from_form(*, sender: User, form: MessageForm, to: Recipient) -> Message | None:
    """Send the form's message; None, with errors on the form, if refused."""
    if not form.is_valid():
        if "idempotency_key" in form.errors:
            # A hidden field's error is not shown: refuse it as a malformed key, which also renews the key.
            form.add_error_codes(["idempotency_key_invalid"])
        return None
    try:
        return services.send_message(
            sender=sender, text=form.cleaned_data["message"], to=to,
            idempotency_key=form.cleaned_data["idempotency_key"] or None,
        )
    except ValidationFailed as failure:
        form.add_error_codes(failure.codes)
        return None


@require_GET
@never_cache  # people's messages: `Cache-Control: private, no-store` (and more) on the message pages
@login_required
@store_unavailable_as_page
def conversations(request):
    before = request.GET.get("before") or None
    try:
        page = services.list_message_groups(user=request.user, before=before)
    except ValidationFailed as failure:
        return bad_link_page(request, error_text(failure.codes[0]))
    return render(request, "pages/conversations.html", {
        "conversations": presenters.conversation_rows(page.items),
        "older_cursor": page.next_cursor,
        "is_older_page": before is not None,
        # The newest conversations follow new messages (a row already shown just moves up again).
        "events_url": None if before is not None else presenters.events_url(shown=[]),
        "poll_url": None if before is not None else reverse("message-group-list"),
        "viewer_handle": request.user.handle,
        "nav": "messages",
    })


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
@store_unavailable_as_page
def conversation(request, message_group_uuid):
    message_group_uuid = str(message_group_uuid)
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        try:
            if send_from_form(sender=request.user, form=form, to=InConversation(message_group_uuid=message_group_uuid)):
                return redirect("pages:conversation", message_group_uuid)
        except NotFound:
            return not_found_page(request)
        status = UNPROCESSABLE
        before = None  # the form comes back with the newest messages above it
    else:
        form = MessageForm()
        before = request.GET.get("before") or None

    try:
        conversation, page = services.read_conversation(user=request.user, message_group_uuid=message_group_uuid,
                                                        before=before)
    except NotFound:
        return not_found_page(request)
    except ValidationFailed as failure:
        return bad_link_page(request, error_text(failure.codes[0]))

    viewer_uuid = str(request.user.uuid)
    is_older_page = before is not None
    other = conversation.other_member(viewer_uuid)
    viewer_state = conversation.states.get(viewer_uuid)
    if request.method == "GET" and not is_older_page and page.items:
        # Opening the newest page reads what it shows; the store writes nothing when nothing is new. A refused
        # send shows the page again but changes nothing.
        services.mark_shown_read(user=request.user, conversation=conversation, newest_shown=page.items[-1].created_at)
    return render(request, "pages/conversation.html", {
        **form_context(form),
        "message_group_uuid": message_group_uuid,
        "other": other,
        "other_blocked": bool(blocking.blocked_among(blocker=request.user, uuids={other.uuid})),
        "messages": presenters.message_rows(
            page.items, viewer_uuid, message_edits.editable_uuids(messages=page.items, viewer=request.user)),
        "older_cursor": page.next_cursor,
        "is_older_page": is_older_page,
        # Only the newest page grows with new messages; older pages stay still and send by plain POST.
        "poll_url": None if is_older_page else presenters.poll_url(message_group_uuid, page.newest_cursor),
        "send_url": None if is_older_page else presenters.send_url(),
        "events_url": None if is_older_page else presenters.events_url(shown=page.items),
        "read_url": presenters.read_url(message_group_uuid),
        "muted": viewer_state is not None and viewer_state.muted,
        "nav": "messages",
    }, status=status)


MUTE_CHOICES = {"on": True, "off": False}


@require_POST
@never_cache
@login_required
@store_unavailable_as_page
def mute(request, message_group_uuid):
    """The Mute/Unmute button: `muted=on|off`, then back to the conversation."""
    muted = MUTE_CHOICES.get(request.POST.get("muted", ""))
    if muted is None:
        return bad_link_page(request, "This button was not sent as the page made it. Go back and try again.")
    try:
        services.set_muted(user=request.user, message_group_uuid=str(message_group_uuid), muted=muted)
    except NotFound:
        return not_found_page(request)
    return redirect("pages:conversation", message_group_uuid)


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
@store_unavailable_as_page
def new_message(request, handle):
    try:
        recipient = selectors.user_short(handle=handle)
    except NotFound:
        return not_found_page(request, f"No one has the handle @{handle}. Try finding them by name.")
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        message = send_from_form(sender=request.user, form=form, to=ToHandle(handle=recipient.handle))
        if message:
            return redirect("pages:conversation", message.message_group_uuid)
        status = UNPROCESSABLE
    else:
        form = MessageForm()
    context = {**form_context(form), "recipient": recipient, "nav": "people"}
    return render(request, "pages/new_message.html", context, status=status)


@require_GET
@login_required
def people(request):
    form = PeopleSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    found = selectors.search_users(query=query) if query else []
    blocked = blocking.blocked_among(blocker=request.user, uuids={str(person.uuid) for person in found})
    people = [(person, str(person.uuid) in blocked) for person in found]
    return render(request, "pages/people.html", {"form": form, "query": query, "people": people, "nav": "people"})
