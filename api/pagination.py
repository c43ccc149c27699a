"""Cursor pages for every list of the API, by id: each page is an index range scan from where
the last one ended, so the last page of a million rows costs what the first does, and rows
added meanwhile neither repeat nor skip a row on the pages after them."""

from base64 import b64decode

from django.conf import settings
from rest_framework.exceptions import APIException, NotFound
from rest_framework.pagination import CursorPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# Ids are bigints: 18 digits always fit.
MAX_ID_DIGITS = 18


class BadParameter(APIException):
    status_code = 400
    default_detail = "A query parameter has a value the API does not take."
    default_code = "bad_parameter"


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_size_query_description = f"Rows per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE})."
    cursor_query_description = "Where the page starts: the `next` or `previous` link's cursor."

    def paginate_queryset(self, queryset, request, view=None):
        page = super().paginate_queryset(queryset, request, view)
        # Links from the public address, as every other URL of the API (api.serializers):
        # the page cache keeps one answer per path, whichever host name asked.
        self.base_url = settings.SITE_URL + request.get_full_path()
        return page

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= MAX_PAGE_SIZE):
            raise BadParameter(f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}.")
        return int(value)

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        # DRF's decoding skips what is not base64, so that a damaged cursor could read as the
        # first page; and a cursor is ours only if its position is an id: anything else would
        # reach the database as a bad bigint.
        try:
            b64decode(encoded or "", validate=True)
        except ValueError:
            raise NotFound(self.invalid_cursor_message) from None
        cursor = super().decode_cursor(request)
        position = cursor and cursor.position
        if position is not None and not (
            position.isascii() and position.isdigit() and len(position) <= MAX_ID_DIGITS
        ):
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=MAX_PAGE_SIZE, default=PAGE_SIZE)
        return parameters
