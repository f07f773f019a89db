"""Content negotiation of the API: JSON in, JSON out, whatever the Accept header says."""
from rest_framework.exceptions import NotAcceptable, ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import JSONParser


class NeverNotAcceptable(DefaultContentNegotiation):
    """Pick the renderer as DRF does, but answer an unmatched Accept with the first renderer
    (JSON) instead of 406: the old backend answered JSON to any Accept header, a browser's too."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


class NestingSafeJSONParser(JSONParser):
    """DRF's JSON parser, but a document nested too deeply for Python's decoder (a few KB of `[`
    raise RecursionError) is bad JSON like any other, not a server error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply") from None
