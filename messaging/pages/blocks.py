"""The block pages: the Block/Unblock form's target (post-redirect-get) and the list of people I block.

With JavaScript on, static/blocks.js sends the same forms to the JSON API instead and updates the button."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from messaging import blocking
from messaging.errors import NotFound, ValidationFailed
from messaging.pages.error_text import error_text
from messaging.pages.problems import bad_link_page, not_found_page, store_unavailable_as_page

ACTIONS = {"block": blocking.block_user, "unblock": blocking.unblock_user}


@require_POST
@never_cache
@login_required
@store_unavailable_as_page
def block(request, handle):
    """`action` is `block` or `unblock`; back to `next` (a page of this site) or the blocked list."""
    change = ACTIONS.get(request.POST.get("action", ""))
    if change is None:
        return bad_link_page(request, "This form is not complete. Go back and try again.")
    try:
        change(blocker=request.user, handle=handle)
    except NotFound:
        return not_found_page(request, f"No one has the handle @{handle}.")
    except ValidationFailed as failure:
        return bad_link_page(request, error_text(failure.codes[0]))
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return redirect(next_url)
    return redirect("pages:blocked")


@require_GET
@never_cache
@login_required
@store_unavailable_as_page
def blocked(request):
    return render(request, "pages/blocked.html", {"people": blocking.blocked_users(blocker=request.user),
                                                  "nav": "people"})
