"""Content negotiation of the API: JSON out, whatever the Accept header says."""
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class NeverNotAcceptable(DefaultContentNegotiation):
    """Pick the renderer as DRF does, but answer an unmatched Accept with the first renderer
    (JSON) instead of 406: the old backend answered JSON to any Accept header, a browser's too."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type
