"""The edit and delete pages of your own messages, for browsers without JavaScript: an edit form and a delete
confirmation, each answering a POST with a redirect to the conversation (post-redirect-get)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from messaging import message_edits
from messaging.errors import NotFound, ValidationFailed
from messaging.pages import presenters
from messaging.pages.error_text import error_text
from messaging.pages.forms import MessageTextForm
from messaging.pages.problems import not_found_page, store_unavailable_as_page
from messaging.pages.views import UNPROCESSABLE, form_context


def _own_message(request, message_group_uuid, message_uuid):
    """The viewer's own message; NotFound for anything else (the URL converters made both uuids well-formed)."""
    return message_edits.own_message(author=request.user, message_group_uuid=str(message_group_uuid),
                                     message_uuid=str(message_uuid))


def _page_context(request, message) -> dict:
    viewer_uuid = str(request.user.uuid)
    editable = message_edits.editable_uuids(messages=[message], viewer=request.user)
    return {"message": presenters.message_row(message, viewer_uuid, editable),
            "message_group_uuid": message.message_group_uuid, "nav": "messages"}


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
@store_unavailable_as_page
def edit_message(request, message_group_uuid, message_uuid):
    try:
        message = _own_message(request, message_group_uuid, message_uuid)
    except NotFound:
        return not_found_page(request)
    context = _page_context(request, message)
    status = 200
    if request.method == "POST":
        form = MessageTextForm(request.POST)
        if form.is_valid():
            try:
                message_edits.edit_message(author=request.user, message_group_uuid=message.message_group_uuid,
                                           message_uuid=message.uuid, text=form.cleaned_data["message"])
                return redirect("pages:conversation", message.message_group_uuid)
            except ValidationFailed as failure:
                form.add_error_codes(failure.codes)
            except NotFound:
                return not_found_page(request)
        status = UNPROCESSABLE
    else:
        form = MessageTextForm(initial={"message": message.text})
    # Once deleted or past the window, the page says so instead of offering a form that would be refused.
    closed = None
    if message.deleted:
        closed = error_text("message_deleted")
    elif not context["message"].can_edit:
        closed = error_text("message_edit_window_closed")
    return render(request, "pages/edit_message.html", {**context, **form_context(form), "closed": closed},
                  status=status)


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
@store_unavailable_as_page
def delete_message(request, message_group_uuid, message_uuid):
    try:
        message = _own_message(request, message_group_uuid, message_uuid)
        if request.method == "POST":
            message_edits.delete_message(author=request.user, message_group_uuid=message.message_group_uuid,
                                         message_uuid=message.uuid)
            return redirect("pages:conversation", message.message_group_uuid)
    except NotFound:
        return not_found_page(request)
    return render(request, "pages/delete_message.html", _page_context(request, message))
