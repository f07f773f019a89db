"""Content handling of the API: bounded JSON bodies in, JSON out whatever the Accept header says."""
from django.conf import settings
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser

from cruddur.api_exceptions import RequestBodyTooLarge


class BoundedJSONParser(JSONParser):
    """JSON bodies no larger than DATA_UPLOAD_MAX_MEMORY_SIZE.

    DRF reads the body as a stream, which skips Django's own size check on `request.body`.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        meta = parser_context["request"].META
        try:
            length = int(meta.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit:
            raise RequestBodyTooLarge()
        return super().parse(stream, media_type, parser_context)


class NeverNotAcceptable(DefaultContentNegotiation):
    """Pick the renderer as DRF does, but answer an unmatched Accept with the first renderer
    (JSON) instead of 406: the old backend answered JSON to any Accept header, a browser's too."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
