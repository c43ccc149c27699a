"""The change feed, `/api/v1/changes/?after=<cursor>`: what was created, changed, deleted or
merged, oldest first, so that a mirror stays in sync without reading everything again.

A mirror starts from the cursor its dump was taken at (`datapackage.json`), then follows
`next` for as long as pages come back full, and polls `next` again later. An entry's cursor
is its id. Entries come in the order their transactions committed, as far as any reader can
tell (api.models.ChangeQuerySet.committed): an entry never shows up behind a cursor a mirror
has already passed. Changes are kept settings.CHANGE_FEED_DAYS days (prune_changes); a
cursor from before that answers 410 Gone: read a dump again.
"""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import APIView

from api.kinds import KINDS
from api.models import Change, PrunedChanges
from api.pagination import BadParameter

PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
MAX_CURSOR_DIGITS = 18
MAX_CURSOR = 10**MAX_CURSOR_DIGITS - 1
# Pages that came back full never change (what could join them would sort after them).
FULL_PAGE_SECONDS = 3600


class Gone(APIException):
    status_code = 410
    default_code = "gone"
    default_detail = (
        "Changes from before this cursor are no longer kept: read the latest dump again "
        "(see /data/) and follow the feed from the cursor it was taken at."
    )


def resource_url(kind, object_id):
    """The absolute API address of a resource of `kind`, from the kind's own serializer."""
    view_name = KINDS[kind].serializer._declared_fields["url"].view_name
    return settings.SITE_URL + reverse(view_name, kwargs={"pk": object_id})


class ChangeSerializer(serializers.ModelSerializer):
    cursor = serializers.IntegerField(
        source="id", help_text="Resume after this entry with `?after=<cursor>`."
    )
    kind = serializers.ChoiceField(choices=sorted(KINDS), help_text="What kind of resource.")
    id = serializers.IntegerField(source="object_id", help_text="The resource's id.")
    merged_into = serializers.IntegerField(
        allow_null=True, help_text="For a merge: the id of the resource of the same kind kept."
    )
    time = serializers.DateTimeField(help_text="When the change was made.")
    url = serializers.SerializerMethodField(
        help_text="The resource in the API, to read again; null once it is gone."
    )

    class Meta:
        model = Change
        fields = ["cursor", "kind", "id", "action", "merged_into", "time", "url"]

    def get_url(self, change) -> str | None:
        if change.action in (Change.Action.DELETED, Change.Action.MERGED):
            return None
        return resource_url(change.kind, change.object_id)


class ChangePageSerializer(serializers.Serializer):
    next = serializers.URLField(
        help_text="Where to read on: the entries after this page's last. A page with fewer "
        "entries than asked means you are up to date; ask `next` again later."
    )
    results = ChangeSerializer(many=True)


def _whole_number(request, name, default, *, low, high):
    value = request.query_params.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit() and len(value) <= MAX_CURSOR_DIGITS):
        raise BadParameter(f"{name} must be a whole number from {low} to {high}.")
    number = int(value)
    if not low <= number <= high:
        raise BadParameter(f"{name} must be a whole number from {low} to {high}.")
    return number


class ChangeFeed(APIView):
    """What was created, changed, deleted or merged, oldest first."""

    @extend_schema(
        operation_id="changes_list",
        parameters=[
            OpenApiParameter(
                "after",
                {"type": "integer", "minimum": 0, "maximum": MAX_CURSOR, "default": 0},
                description="The cursor of the last entry read (a dump's `feed_cursor` to "
                "start). 0, the default, is the first change ever recorded.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": PAGE_SIZE},
                description=f"Entries per page, 1 to {MAX_PAGE_SIZE} (default {PAGE_SIZE}).",
            ),
        ],
        responses={
            200: ChangePageSerializer,
            400: OpenApiResponse(description="A bad `after` or `page_size`."),
            410: OpenApiResponse(
                description="The changes after this cursor are no longer all kept: read a "
                "dump again."
            ),
        },
    )
    def get(self, request):
        after = _whole_number(request, "after", 0, low=0, high=MAX_CURSOR)
        size = _whole_number(request, "page_size", PAGE_SIZE, low=1, high=MAX_PAGE_SIZE)
        changes = list(_page(after, size))
        last = changes[-1].id if changes else after
        next_url = f"{settings.SITE_URL}{reverse('api:change-feed')}?after={last}" + (
            f"&page_size={size}" if size != PAGE_SIZE else ""
        )
        response = Response(
            {"next": next_url, "results": ChangeSerializer(changes, many=True).data}
        )
        if len(changes) == size:
            response["Cache-Control"] = f"public, max-age={FULL_PAGE_SECONDS}"
        else:
            # The last page grows as changes commit: no cache may keep it.
            response["Cache-Control"] = "no-store"
        return response


def _page(after, size):
    """The committed changes after cursor `after`, in feed order. Queries twice: where the
    cursor stands, then the page (three times for a cursor the feed no longer has)."""
    committed = Change.objects.committed().in_feed_order()
    if after == 0:
        if PrunedChanges.objects.exists():
            raise Gone()
        return committed[:size]
    position = Change.objects.filter(pk=after).values_list("transaction", "id").first()
    if position is None:
        pruned = PrunedChanges.objects.values_list("through_id", flat=True).first()
        if pruned is not None and after <= pruned:
            raise Gone()
        raise BadParameter("after is not the cursor of a change in this feed.")
    transaction, pk = position
    return committed.filter(transaction__gte=transaction).exclude(
        transaction=transaction, id__lte=pk
    )[:size]
