"""The API answers JSON whatever the client accepts: it has no other format, and a 406 for a
browser's or a tool's `Accept: text/html` would help nobody."""

from rest_framework.negotiation import BaseContentNegotiation


class AlwaysJson(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type
