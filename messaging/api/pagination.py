"""Cursor pagination that keeps the old client's bare arrays: the next page is in a `Link` header."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from messaging.store.models import Page
from messaging.validation import DEFAULT_LIMIT, MAX_LIMIT

# Opaque to clients: taken from `Link` headers, never built. Empty means none.
CURSOR = {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"}
PAGE_PARAMETERS = [
    OpenApiParameter(
        "limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        description="Items per page.",
    ),
    OpenApiParameter("before", CURSOR, description="A cursor from a `Link` header: the page before it."),
    OpenApiParameter("after", CURSOR, description="A cursor from a `Link` header: only items newer than it (polling)."),
    OpenApiParameter(
        "Link", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200],
        description='RFC 8288 links. `<absolute url>; rel="next"` only when more items exist right now (older '
        'ones, or on an `after=` page newer ones), so following `next` until it is absent always stops. '
        '`<absolute url>; rel="poll"` on the newest page and on `after=` pages: where to ask for newer items '
        'next time (the first polling cursor; live clients use `GET /api/events` instead).',
    ),
]


def _link(request, direction: str, cursor: str, relation: str) -> str:
    query = request.query_params.copy()
    query.pop("before", None)
    query.pop("after", None)
    query[direction] = cursor
    return f'<{request.build_absolute_uri(f"{request.path}?{query.urlencode()}")}>; rel="{relation}"'


def links(request, page: Page) -> str | None:
    """The `Link` header value: the next page (if more exist) and the next poll, keeping the other parameters."""
    found = []
    if page.next_cursor is not None:
        found.append(_link(request, page.direction, page.next_cursor, "next"))
    if page.poll_cursor is not None:
        found.append(_link(request, "after", page.poll_cursor, "poll"))
    return ", ".join(found) or None


def page_response(request, page: Page, serializer_class) -> Response:
    link = links(request, page)
    headers = {"Link": link} if link else None
    return Response(serializer_class(page.items, many=True).data, headers=headers)
