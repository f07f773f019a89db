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
        description='RFC 8288 `<absolute url>; rel="next"` when there is a next page.',
    ),
]


def next_link(request, page: Page) -> str | None:
    """The `Link` header value for the page after this one, keeping the other query parameters."""
    if page.next_cursor is None:
        return None
    query = request.query_params.copy()
    query.pop("before", None)
    query.pop("after", None)
    query[page.direction] = page.next_cursor
    return f'<{request.build_absolute_uri(f"{request.path}?{query.urlencode()}")}>; rel="next"'


def page_response(request, page: Page, serializer_class) -> Response:
    link = next_link(request, page)
    headers = {"Link": link} if link else None
    return Response(serializer_class(page.items, many=True).data, headers=headers)
