"""Data dumps: the whole public catalogue as files, in the API's own shapes.

A dump is a folder: per kind of api.kinds, `<kind>.jsonl.gz` (one JSON object per line, the
API's detail representation with its keys sorted, by id, gzipped without a name or a time),
`datapackage.json` (a Frictionless Data Package: the licence, each file's size, digest and
table schema, and the change feed's cursor the dump was taken at), `LICENSE.txt`, and
`SHA256SUMS` (`sha256sum -c SHA256SUMS` checks it). The same database gives the same bytes:
nothing in it comes from the clock. `export` writes one (`manage.py export_dump`); `load`
builds a catalogue from one in an empty database (`manage.py import_dump`), after which the
API answers as it did where the dump was taken.

What a dump holds is what the API shows, and nothing else: no drafts, no comments waiting for
a moderator, no e-mail address, no fact suggestion, no editor's field. So a load rebuilds
what the API does not show as follows: a fact's and a comment's source text from their HTML
(the HTML itself is loaded as it was, so pages and answers read the same); the order of roles
and charts (the positions editors give them) from the order they come in on the songs; the
rows an artist's or a person's representation names without a file of their own (an album
with no published song, the artist a person performs as) from those names. Rows with no id
in the API (credits, sources, certifications, placements, versions) get new ids in the
order the API lists them, so they list in that order again.
"""

import gzip
import hashlib
import heapq
import html
import io
import json
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateField, F, Max
from django.urls import Resolver404, resolve
from django.utils.html import strip_tags
from rest_framework.utils.encoders import JSONEncoder
from taggit.models import Tag, TaggedItem

from api.kinds import KINDS
from api.models import Change
from catalogue import dates
from catalogue.management.commands.generate_catalogue import Copier
from catalogue.models import (
    Album,
    Appearance,
    Artist,
    Certification,
    Chart,
    ChartEntry,
    Credit,
    Fact,
    Isrc,
    Person,
    Role,
    Song,
    Source,
    Status,
    Version,
)
from comments.models import Comment

DATAPACKAGE = "datapackage.json"
SUMS = "SHA256SUMS"
LICENSE = "LICENSE.txt"
# Rows per batch: what one round of prefetches loads, and what is kept in memory at once.
CHUNK = 1000
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")
# The time of rows whose time the API does not show.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SUM_LINE = re.compile(r"^([0-9a-f]{64})  ([A-Za-z0-9_.-]+)$")


class DumpError(Exception):
    """A dump that cannot be loaded: its message says which file and why."""


def data_file(kind):
    return f"{kind}.jsonl.gz"


# ---- Writing ----


class _Digesting(io.RawIOBase):
    """A file that counts and digests what is written to it."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.digest.update(data)
        self.size += len(data)
        return self.file.write(data)


def _line(data):
    return json.dumps(data, cls=JSONEncoder, sort_keys=True, ensure_ascii=False) + "\n"


def _batches(iterable, size):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_kind(kind, path, progress):
    """Write one kind's file; returns (rows, bytes, sha256 hex). Streams: one batch of rows
    in memory at a time."""
    queryset = KINDS[kind].queryset()
    serializer = KINDS[kind].serializer
    total = queryset.count()
    started = time.monotonic()
    rows = 0
    with path.open("wb") as raw:
        digesting = _Digesting(raw)
        # No file name and time 0 in the gzip header: the same rows give the same bytes.
        with gzip.GzipFile(filename="", mode="wb", fileobj=digesting, mtime=0) as gz:
            for batch in _batches(queryset.iterator(chunk_size=CHUNK), CHUNK):
                gz.write("".join(_line(row) for row in serializer(batch, many=True).data).encode())
                rows += len(batch)
                if progress:
                    progress(kind, rows, total=total, started=started)
    if progress:
        progress(kind, rows, done=True, total=total, started=started)
    return rows, digesting.size, digesting.digest.hexdigest()


def _table_schema(kind, components):
    """A Frictionless table schema of the kind's representation, from the API's OpenAPI
    component of its serializer (so the two never disagree)."""
    component = components[KINDS[kind].serializer.__name__.removesuffix("Serializer")]
    required = set(component.get("required", ()))
    fields = []
    for name, prop in component["properties"].items():
        kind_of, nullable, uri = _json_type(prop)
        described = {"name": name, "type": kind_of}
        if uri:
            described["format"] = "uri"
        if prop.get("description"):
            described["description"] = prop["description"]
        if name in required and not nullable:
            described["constraints"] = {"required": True}
        fields.append(described)
    return {"fields": fields, "primaryKey": ["id"]}


_TABLE_TYPES = {
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "object": "object",
    "array": "array",
}


def _json_type(prop):
    """(Table Schema type, nullable, a URI) of an OpenAPI property."""
    if "$ref" in prop or "allOf" in prop:
        return "object", False, False
    if "oneOf" in prop:
        options = prop["oneOf"]
        nullable = any(option.get("type") == "null" for option in options)
        kinds = [_json_type(option) for option in options if option.get("type") != "null"]
        kind_of = kinds[0][0] if len({k for k, _, _ in kinds}) == 1 else "any"
        return kind_of, nullable, any(uri for _, _, uri in kinds)
    types = prop.get("type", "any")
    types = types if isinstance(types, list) else [types]
    nullable = "null" in types
    types = [kind for kind in types if kind != "null"]
    if types != ["string"]:
        return (_TABLE_TYPES.get(types[0], "any") if len(types) == 1 else "any"), nullable, False
    string_format = prop.get("format")
    if string_format == "date-time":
        return "datetime", nullable, False
    if string_format == "date":
        return "date", nullable, False
    return "string", nullable, string_format == "uri"


def _license_text(spdx, title, url):
    return (
        f"The {settings.SITE_NAME} catalogue: data dump\n\n"
        f"This data is published under the {title} licence ({spdx}):\n{url}\n\n"
        f'Credit it as "{settings.SITE_NAME} contributors", with a link to '
        f"{settings.SITE_URL}/data/, and say whether you changed it. The facts and comments "
        "are the words of the site's editors and readers.\n"
    )


def _sha256(path):
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def export(directory, *, progress=None):
    """Write a dump of the public catalogue into `directory` (made if missing; it must hold
    nothing). `progress(kind, rows, done=False, *, total, started)` follows each kind, as
    generate_catalogue's report_progress. Returns the data package written."""
    from drf_spectacular.generators import SchemaGenerator

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise DumpError(f"{directory} is not empty: a dump goes into a folder of its own.")
    components = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    # Inside a caller's transaction (a test's), its snapshot serves.
    own_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if own_transaction:
            # Every file from one snapshot, whatever commits meanwhile.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor_id = Change.objects.committed().in_feed_order().values_list("id", flat=True).last()
        newest = Change.objects.aggregate(newest=Max("time"))["newest"]
        resources = []
        for kind in KINDS:
            path = directory / data_file(kind)
            rows, size, digest = _write_kind(kind, path, progress)
            resources.append(
                {
                    "name": kind,
                    "path": path.name,
                    "format": "jsonl",
                    "mediatype": "application/jsonl",
                    "encoding": "utf-8",
                    "compression": "gz",
                    "bytes": size,
                    "hash": f"sha256:{digest}",
                    "rows": rows,
                    "schema": _table_schema(kind, components),
                }
            )
    spdx = settings.DATA_LICENSE
    title, url = settings.DATA_LICENSES[spdx]
    (directory / LICENSE).write_text(_license_text(spdx, title, url), encoding="utf-8")
    package = {
        "profile": "data-package",
        "name": "songfacts",
        "title": f"The {settings.SITE_NAME} catalogue",
        "description": (
            "Songs with their facts and sources, credits, chart runs, certifications, versions, "
            "placements and tags; artists, albums, people, charts, tags and readers' published "
            "comments: one file per kind, each line a resource as the API at /api/v1/ shows it."
        ),
        "homepage": f"{settings.SITE_URL}/data/",
        "licenses": [{"name": spdx, "title": title, "path": url}],
        # Where a mirror of this dump starts reading the change feed.
        "feed_cursor": cursor_id or 0,
        "feed_url": f"{settings.SITE_URL}/api/v1/changes/?after={cursor_id or 0}",
        "resources": resources,
    }
    if newest is not None:
        # When the newest change in it was made: a date from the data, not the clock.
        package["created"] = newest.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    (directory / DATAPACKAGE).write_text(
        json.dumps(package, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    names = [resource["path"] for resource in resources] + [DATAPACKAGE, LICENSE]
    (directory / SUMS).write_text(
        "".join(f"{_sha256(directory / name)}  {name}\n" for name in names), encoding="ascii"
    )
    return package


# ---- Reading ----


def read_checked(directory):
    """The dump's data package, once every file in SHA256SUMS matches its digest and every
    resource is listed there; DumpError naming the file otherwise."""
    directory = Path(directory)
    sums = directory / SUMS
    if not sums.is_file():
        raise DumpError(f"{SUMS} is missing from {directory}.")
    listed = {}
    for number, line in enumerate(
        sums.read_text(encoding="ascii", errors="replace").splitlines(), 1
    ):
        match = _SUM_LINE.match(line)
        if not match:
            raise DumpError(f"{SUMS}, line {number}: not a sha256sum line.")
        listed[match[2]] = match[1]
    for name, digest in listed.items():
        path = directory / name
        if not path.is_file():
            raise DumpError(f"{name} is listed in {SUMS} but missing.")
        if _sha256(path) != digest:
            raise DumpError(f"{name} does not match its digest in {SUMS}: damaged or changed.")
    if DATAPACKAGE not in listed:
        raise DumpError(f"{DATAPACKAGE} is not listed in {SUMS}.")
    try:
        package = json.loads((directory / DATAPACKAGE).read_text(encoding="utf-8"))
        resources = {resource["name"]: resource["path"] for resource in package["resources"]}
    except (ValueError, KeyError, TypeError) as error:
        raise DumpError(f"{DATAPACKAGE} is not a data package of a dump: {error}") from None
    for name, path in resources.items():
        if name not in KINDS:
            raise DumpError(f"{DATAPACKAGE} names a kind the API does not have: {name!r}.")
        if path != data_file(name) or path not in listed:
            raise DumpError(f"{DATAPACKAGE}: {path!r} is not a listed file of kind {name}.")
    missing = set(KINDS) - set(resources)
    if missing:
        raise DumpError(f"{DATAPACKAGE} lacks the kinds {', '.join(sorted(missing))}.")
    return package


def rows_of(directory, kind):
    """The kind's representations, one by one, from its file."""
    name = data_file(kind)
    number = 0
    with gzip.open(Path(directory) / name, "rt", encoding="utf-8") as lines:
        try:
            for line in lines:
                number += 1
                row = json.loads(line)
                if not isinstance(row, dict) or not isinstance(row.get("id"), int):
                    raise DumpError(f"{name}, line {number}: not a resource with an id.")
                yield row
        except ValueError as error:
            raise DumpError(f"{name}, line {number}: {error}") from None
        except (EOFError, OSError) as error:
            raise DumpError(f"{name}, after line {number}: {error}") from None


def _path_kwargs(page_url, url_name):
    """The slugs in a reader page's address (the API names rows by them only there)."""
    try:
        match = resolve(urlsplit(page_url).path)
    except Resolver404:
        match = None
    if match is None or match.view_name != url_name:
        raise DumpError(f"{page_url!r} is not the address of a {url_name} page.")
    return match.kwargs


def _fact_source(body_html):
    # render_fact makes paragraphs and line breaks of blank lines and newlines; the inline
    # markup it keeps is what editors may type.
    text = body_html.removeprefix("<p>").removesuffix("</p>")
    return text.replace("</p><p>", "\n\n").replace("<br>", "\n")


def _comment_source(body_html):
    # render_comment escapes the text and links the addresses in it.
    text = body_html.removeprefix("<p>").removesuffix("</p>")
    text = text.replace("</p><p>", "\n\n").replace("<br>", "\n")
    return html.unescape(strip_tags(text))


def _order_of(sequences):
    """Positions (1, 2...) for names seen in these sequences, in an order that keeps every
    sequence's; names never seen together go by name."""
    after = defaultdict(set)
    names = set()
    for sequence in sequences:
        names.update(sequence)
        for first, second in zip(sequence, sequence[1:], strict=False):
            if first != second:
                after[first].add(second)
    waiting = {name: 0 for name in names}
    for name in names:
        for later in after[name]:
            waiting[later] += 1
    ready = [name for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    positions = {}
    while ready:
        name = heapq.heappop(ready)
        positions[name] = len(positions) + 1
        for later in after[name]:
            waiting[later] -= 1
            if waiting[later] == 0:
                heapq.heappush(ready, later)
    if len(positions) != len(names):
        raise DumpError("The songs list roles or charts in orders that contradict each other.")
    return positions


def _scalars(model, row, **overrides):
    """A row for `model`'s Copier: each stored field the representation has by its own name
    (so fields the API adds are loaded too), a year the model computes from a date as that
    date's first day, a date known to the year or month ("1977-09") as the model keeps it,
    then `overrides`. Times the API does not show are left at EPOCH."""
    values = {}
    columns = {model_field.name: model_field for model_field in model._meta.concrete_fields}
    for name, value in row.items():
        model_field = columns.get(name)
        if isinstance(value, dict | list) or (
            model_field is None and not _is_property(model, name)
        ):
            continue
        is_date = model_field is None or isinstance(model_field, DateField)
        if is_date and isinstance(value, str) and _PARTIAL_DATE.match(value):
            values.update(_known_date(model, name, value))
        elif model_field is not None and model_field.generated:
            (source,) = {ref.name for ref in model_field.expression.flatten() if isinstance(ref, F)}
            if value is not None and source not in row:
                values.setdefault(columns[source].attname, date(value, 1, 1))
        elif model_field is not None:
            values[model_field.attname] = None if value is None else model_field.to_python(value)
    values.update(overrides)
    for name in ("created_at", "updated_at"):
        if name in columns and name not in values:
            values[name] = values.get("updated_at", EPOCH)
    return values


def _is_property(model, name):
    return isinstance(getattr(model, name, None), property)


def _known_date(model, name, text):
    """The columns behind a date known to the year, month or day, named by its column or by
    the model's property for it (catalogue.dates.known_date), as the model sets them."""
    known = dates.parse(text, latest_year=9999)
    row = model()
    if _is_property(model, name):
        stored = [f for f in model._meta.concrete_fields if not f.generated]
        before = {f.attname: getattr(row, f.attname) for f in stored}
        setattr(row, name, known)
        changed = {attname for attname, value in before.items() if getattr(row, attname) != value}
        # A precision that already had the value set is still the date's.
        changed |= {f"{a}_precision" for a in changed if f"{a}_precision" in before}
        return {attname: getattr(row, attname) for attname in changed}
    column = model._meta.get_field(name)
    return {
        column.attname: dates.first_day(known.date, known.precision),
        f"{column.attname}_precision": known.precision,
    }


@dataclass
class _Loaded:
    """What the files say, gathered before the rows are written."""

    rows: dict = field(default_factory=lambda: defaultdict(dict))
    counts: dict = field(default_factory=dict)

    def add(self, model, pk, values):
        self.rows[model].setdefault(pk, values)


def _require(row, *names, kind):
    for name in names:
        if name not in row:
            raise DumpError(f"{data_file(kind)}: resource {row.get('id')} has no {name!r}.")


def load(directory, *, progress=None):
    """Build the catalogue of the dump in `directory` in this (empty) database, in one
    transaction. DumpError for a dump that does not check or does not parse; nothing is
    written then."""
    read_checked(directory)
    loaded = _Loaded()
    try:
        artists = _load_artists(directory, loaded)
        _load_albums(directory, loaded, artists)
        _load_people(directory, loaded)
        _load_charts_and_tags(directory, loaded)
        _load_songs(directory, loaded)
        _load_comments(directory, loaded)
    except (KeyError, TypeError, ValueError, AttributeError, ValidationError) as error:
        raise DumpError(f"A resource lacks a field or has a bad value: {error!r}") from None
    with transaction.atomic():
        for model in (Artist, Album, Person, Role, Chart, Tag, Song, Fact, Source, Credit):
            _copy(model, loaded, progress)
        for model in (ChartEntry, Certification, Isrc, Version, Appearance, TaggedItem, Comment):
            _copy(model, loaded, progress)
        _reset_sequences()
    return loaded.counts


def _copy(model, loaded, progress):
    rows = loaded.rows.get(model, {})
    copier = Copier(model, progress or (lambda label, count, done=False: None))
    loaded.counts[model._meta.verbose_name_plural] = copier.copy(
        {"id": pk, **values} for pk, values in rows.items()
    )


def _reset_sequences():
    models = [
        Artist, Album, Person, Role, Chart, Tag, Song, Fact, Source, Credit,
        ChartEntry, Certification, Isrc, Version, Appearance, TaggedItem, Comment,
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def _artist_stub(loaded, summary):
    slug = _path_kwargs(summary["html_url"], "catalogue:artist-detail")["slug"]
    loaded.add(
        Artist, summary["id"], _scalars(Artist, summary, sort_name=summary["name"], slug=slug)
    )


def _load_artists(directory, loaded):
    artists = {}
    for row in rows_of(directory, "artists"):
        _require(row, "name", "sort_name", "slug", "albums", kind="artists")
        loaded.rows[Artist][row["id"]] = _scalars(Artist, row)
        artists[row["id"]] = row["albums"]
    return artists


def _load_albums(directory, loaded, artists):
    for row in rows_of(directory, "albums"):
        _require(row, "title", "slug", "artist", kind="albums")
        values = _scalars(Album, row, artist_id=row["artist"]["id"])
        loaded.rows[Album][row["id"]] = values
    # An artist lists all its albums, those without published songs too.
    for artist_id, albums in artists.items():
        for summary in albums:
            slug = _path_kwargs(summary["html_url"], "catalogue:album-detail")["slug"]
            loaded.add(
                Album, summary["id"], _scalars(Album, summary, slug=slug, artist_id=artist_id)
            )


def _load_people(directory, loaded):
    for row in rows_of(directory, "people"):
        _require(row, "name", "sort_name", "slug", "artist", kind="people")
        artist = row["artist"]
        if artist is not None:
            _artist_stub(loaded, artist)
        loaded.rows[Person][row["id"]] = _scalars(Person, row, artist_id=artist and artist["id"])


def _load_charts_and_tags(directory, loaded):
    for row in rows_of(directory, "charts"):
        _require(row, "name", "slug", kind="charts")
        loaded.rows[Chart][row["id"]] = _scalars(Chart, row)
    for row in rows_of(directory, "tags"):
        _require(row, "name", "slug", kind="tags")
        loaded.rows[Tag][row["id"]] = _scalars(Tag, row)


def _load_songs(directory, loaded):
    role_orders, chart_orders, roles = [], [], {}
    part_ids = defaultdict(lambda: iter(range(1, 1 << 62)))
    song_type = ContentType.objects.get_for_model(Song).pk

    def part(model, values):
        loaded.rows[model][next(part_ids[model])] = values

    for row in rows_of(directory, "songs"):
        _require(
            row, "title", "slug", "artist", "album", "facts", "credits", "chart_entries",
            "certifications", "originals", "appearances", "tags", "isrcs", kind="songs",
        )  # fmt: skip
        song = row["id"]
        length = row.get("length_seconds")
        values = _scalars(
            Song,
            row,
            artist_id=row["artist"]["id"],
            album_id=row["album"] and row["album"]["id"],
            status=Status.PUBLISHED,
            length=None if length is None else timedelta(seconds=length),
            # Not in the API: when it was entered. Its first publication stands in.
            created_at=Song._meta.get_field("created_at").to_python(
                row.get("published_at") or row.get("updated_at")
            ),
        )
        loaded.rows[Song][song] = values
        for fact in row["facts"]:
            credit = fact.get("suggested_by") or {}
            loaded.rows[Fact][fact["id"]] = {
                "song_id": song,
                "created_at": values["created_at"],
                "updated_at": values["updated_at"],
                "position": fact["position"],
                "standing": fact["standing"],
                "status": Status.PUBLISHED,
                "body": _fact_source(fact["body_html"]),
                "body_html": fact["body_html"],
                "suggested_by_name": credit.get("name", ""),
                "suggested_by_place": credit.get("place", ""),
            }
            for source in fact["sources"]:
                part(Source, {"fact_id": fact["id"], **source})
        for credit in row["credits"]:
            role = credit["role"]
            roles.setdefault(role["slug"], role)
            part(
                Credit,
                {
                    "song_id": song,
                    "person_id": credit["person"]["id"],
                    "role_id": role["slug"],
                    "note": credit["note"],
                },
            )
        role_orders.append([credit["role"]["slug"] for credit in row["credits"]])
        for entry in row["chart_entries"]:
            values = _scalars(ChartEntry, entry, song_id=song, chart_id=entry["chart"]["id"])
            loaded.rows[ChartEntry][entry["id"]] = values
        chart_orders.append([entry["chart"]["id"] for entry in row["chart_entries"]])
        for certification in row["certifications"]:
            part(Certification, _scalars(Certification, certification, song_id=song))
        # Each version is on both songs' pages; taken once, from the song it is a version
        # of, in the order that song lists them.
        for original in row["originals"]:
            part(
                Version,
                _scalars(Version, original, original_id=original["song"]["id"], version_id=song),
            )
        for appearance in row["appearances"]:
            # A same-song version's placements show here too; each is taken from its own song.
            if appearance["song"]["id"] == song:
                part(Appearance, _scalars(Appearance, appearance, song_id=song))
        for code in row["isrcs"]:
            part(Isrc, {"song_id": song, "code": code})
        for tag in row["tags"]:
            part(TaggedItem, {"tag_id": tag["id"], "object_id": song, "content_type_id": song_type})
    role_positions = _order_of(role_orders)
    for slug, role in roles.items():
        loaded.rows[Role][role_positions[slug]] = {**role, "position": role_positions[slug]}
    for credit in loaded.rows[Credit].values():
        credit["role_id"] = role_positions[credit["role_id"]]
    for chart, position in _order_of(chart_orders).items():
        if chart in loaded.rows[Chart]:
            loaded.rows[Chart][chart]["position"] = position


def _load_comments(directory, loaded):
    for row in rows_of(directory, "comments"):
        _require(row, "song", "parent", "author", "body_html", "created_at", kind="comments")
        loaded.rows[Comment][row["id"]] = _scalars(
            Comment,
            row,
            song_id=row["song"]["id"],
            parent_id=row["parent"],
            author_name=row["author"]["name"],
            author_place=row["author"]["place"],
            body=_comment_source(row["body_html"]),
            body_html=row["body_html"],
            status=Comment.Status.PUBLISHED,
        )


def catalogue_is_empty():
    models = (Artist, Album, Song, Person, Role, Chart, Tag, Comment)
    return not any(model.objects.exists() for model in models)
