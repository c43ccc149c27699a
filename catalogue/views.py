"""Reader pages: songs, artists, albums, people, tags, charts, browsing and the home page.

Every page costs a fixed number of queries whatever the amount of content (tests/reader/
pins them); lists that grow are paged with `?page=N`, and a page number that is not a
number or lies past the end is a 404.
"""

import itertools
import string

from django.core.paginator import InvalidPage
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.functions import Left, Upper
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from taggit.models import Tag

from catalogue import identifiers, selectors, share_cards
from catalogue.cache_keys import song_page_keys
from catalogue.markup import video_embed
from catalogue.models import (
    Album,
    Artist,
    Chart,
    ChartEntry,
    Credit,
    Person,
    Song,
)
from catalogue.pagination import IdsFirstPaginator
from comments.selectors import song_comment_section
from songfacts import cache_keys

SONGS_PER_PAGE = 50
ARTISTS_PER_PAGE = 60
CREDITS_PER_PAGE = 100
PEOPLE_PER_PAGE = 60
ALBUMS_PER_PAGE = 60
TAGS_PER_PAGE = 100
CHARTS_PER_PAGE = 100
OTHER_INITIAL = "0-9"
INITIALS = [*string.ascii_uppercase, OTHER_INITIAL]
# No list has a page past this many digits; longer ones are not worth reading as numbers
# (Python refuses int() past 4,300 digits).
PAGE_NUMBER_MAX_DIGITS = 9
# No song can be from before 1860, the year of the oldest recording of a voice that can be
# played back (Scott de Martinville's phonautogram of "Au clair de la lune"): an earlier year
# in an address is a mistake, not an empty page. Nor from after the current year.
FIRST_RECORDED_YEAR = 1860
# How long the home page may be kept in the page cache at most (songfacts.cache_keys).
HOME_LIFETIME = 600


def _page(request, object_list, per_page, *, allow_empty=True):
    """One page of `object_list` for `?page=N`; anything but a page that exists is a 404,
    and so is an empty list unless `allow_empty`.

    Queries twice when `object_list` is a QuerySet: the count, then the page's rows.
    """
    number = request.GET.get("page", "1")
    if not (number.isascii() and number.isdigit()):
        raise Http404("A page number is a whole number.")
    if len(number.lstrip("0")) > PAGE_NUMBER_MAX_DIGITS:
        raise Http404("There is no such page.")
    paginator = IdsFirstPaginator(object_list, per_page, allow_empty_first_page=allow_empty)
    try:
        page = paginator.page(int(number))
    except InvalidPage as error:
        raise Http404("There is no such page.") from error
    # list() runs the query here rather than while the template renders.
    page.object_list = list(page.object_list)
    return page


def _canonical(request, page=None):
    """The page's one address: its path, plus the page number past the first page."""
    url = request.build_absolute_uri(request.path)
    if page is not None and page.number > 1:
        url += f"?page={page.number}"
    return url


def _initial(request):
    """The `?letter=` of the A–Z pages: a letter, "0-9", or None for everything."""
    letter = request.GET.get("letter")
    if letter is None:
        return None
    letter = letter.upper()
    if letter not in INITIALS:
        raise Http404("Browse by a letter from A to Z or 0-9.")
    return letter


def _filter_initial(queryset, field, letter):
    if letter is None:
        return queryset
    if letter == OTHER_INITIAL:
        return queryset.exclude(**{f"{field}__iregex": r"^[a-z]"})
    return queryset.filter(**{f"{field}__istartswith": letter})


def _initial_in_use(request, queryset, field):
    """The `?letter=` of an A–Z page that links only the letters with rows under them:
    (letter, the INITIALS with nothing under them). A letter with nothing is a 404 too.

    Queries once, for the initials in use (as _filter_initial reads them).
    """
    letter = _initial(request)
    firsts = (
        queryset.order_by()
        .annotate(first=Upper(Left(field, 1)))
        .values_list("first", flat=True)
        .distinct()
    )
    in_use = {first if first in INITIALS else OTHER_INITIAL for first in firsts}
    if letter is not None and letter not in in_use:
        raise Http404("Nothing is listed under this letter.")
    return letter, [initial for initial in INITIALS if initial not in in_use]


def _recorded(songs):
    """`songs` from the years that a year page can show (FIRST_RECORDED_YEAR to this year)."""
    return songs.filter(release_year__range=(FIRST_RECORDED_YEAR, timezone.localdate().year))


def _recorded_or_404(first_year, last_year):
    if last_year < FIRST_RECORDED_YEAR:
        raise Http404("No recording of a song is that old.")
    if first_year > timezone.localdate().year:
        raise Http404("No songs come from the future.")


def _artist_or_redirect(artist_slug):
    """The artist of this slug, or the artist who had it before a rename, or a 404.

    Returns (artist, moved): moved is True when the slug is a former one. One query, two for
    a slug that is not current: asked in one, "this slug or a former one" could use no index
    and read every artist (1.7 ms at 10,000 artists).
    """
    artist = Artist.objects.filter(slug=artist_slug).first()
    if artist is not None:
        return artist, False
    artist = Artist.objects.filter(former_slugs__old_slug=artist_slug).first()
    if artist is None:
        raise Http404("No such artist.")
    return artist, True


def _unless_slug(slug):
    """Sorts the row that has this slug now before rows that had it once."""
    return Case(When(slug=slug, then=Value(0)), default=Value(1))


def _group_credits(credits):
    """[(role, [credits])] in the order the credits come, for one heading per role."""
    return [(role, list(rows)) for role, rows in itertools.groupby(credits, lambda c: c.role)]


# ---- schema.org descriptions (JSON-LD) of list pages ----


def _item_list(name, things, start=1):
    """An ItemList of schema.org `things`, numbered from `start` (a page's first position)."""
    return {
        "@type": "ItemList",
        "name": name,
        "itemListElement": [
            {"@type": "ListItem", "position": position, "item": thing}
            for position, thing in enumerate(things, start=start)
        ],
    }


def _list_json_ld(name, things, page=None):
    """An index page's description: the ItemList of what it lists."""
    start = page.start_index() if page is not None else 1
    return {"@context": "https://schema.org", **_item_list(name, things, start)}


def _collection_json_ld(name, canonical_url, things, page):
    """A tag's, chart's or year's page: a CollectionPage whose main entity is its list."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "url": canonical_url,
        "mainEntity": _item_list(name, things, page.start_index()),
    }


def _recording(song, request):
    """A song with its artist loaded, as a list names it."""
    return {
        "@type": "MusicRecording",
        "name": song.title,
        "url": request.build_absolute_uri(song.get_absolute_url()),
        "byArtist": _person_or_group(song.artist, request),
    }


def _named_page(kind, name, url, request):
    """A schema.org thing of `kind` (Person, MusicAlbum, CollectionPage) by name and page."""
    return {"@type": kind, "name": name, "url": request.build_absolute_uri(url)}


# ---- Songs ----


@require_safe
def song_detail(request, artist_slug, slug):
    """The song page. Queries: the song and its parts (one statement, see catalogue.selectors),
    and the comment section (see comments.selectors).
    """
    page = selectors.load_song_page(
        artist_slug,
        slug,
        include_drafts=Song.objects.may_see_drafts(request.user),
    )
    if page is None:
        return _song_moved(Song.objects.visible_to(request.user), artist_slug, slug)

    song = page.song
    cache_keys.add(*song_page_keys(song))
    context = {
        "song": song,
        "facts": page.facts,
        "credit_groups": _group_credits(page.credits),
        "identifiers": identifiers.shown(song, page.isrcs),
        "chart_entries": page.chart_entries,
        "chart_columns": page.chart_columns,
        "best_peak": page.best_peak,
        "certifications": page.certifications,
        "versions": page.versions,
        "originals": page.originals,
        "appearances": page.appearances,
        "tags": page.tags,
        "editors_picks": page.editors_picks,
        "related_songs": page.related_songs,
        "comment_section": song_comment_section(song, request=request),
        "video_embed": video_embed(song.video_url),
        "canonical_url": request.build_absolute_uri(song.get_absolute_url()),
        "share_card_url": request.build_absolute_uri(share_cards.card_path(song)),
    }
    context["json_ld"] = _song_json_ld(song, page.isrcs, context, request)
    return render(request, "catalogue/song_detail.html", context)


@require_safe
def song_card(request, artist_slug, slug):
    """The song's share card, a PNG of its title and artist (og:image). Queries: 1.

    The page cache keeps it under the song's and its artist's keys, so a new title or name
    purges it; any address but the current one (share_cards.card_path) redirects there.
    """
    song = get_object_or_404(
        Song.objects.visible_to(request.user).select_related("artist"),
        artist__slug=artist_slug,
        slug=slug,
    )
    path = share_cards.card_path(song)
    if request.get_full_path() != path:
        return redirect(path)
    return HttpResponse(share_cards.song_card(song), content_type="image/png")


def _song_moved(songs, artist_slug, slug):
    """A permanent redirect when the artist or the song had this slug before, else a 404."""
    artist, _ = _artist_or_redirect(artist_slug)
    song = (
        songs.filter(artist=artist)
        .filter(Q(slug=slug) | Q(former_slugs__old_slug=slug))
        .select_related("artist")
        .order_by(_unless_slug(slug))
        .first()
    )
    if song is None:
        raise Http404("No such song.")
    return redirect(song, permanent=True)


def _person_or_group(artist, request):
    return {
        "@type": "MusicGroup" if artist.kind == Artist.Kind.GROUP else "Person",
        "name": artist.name,
        "url": request.build_absolute_uri(artist.get_absolute_url()),
        **_same_as(artist),
    }


def _same_as(entry):
    """schema.org's sameAs: the entry's MusicBrainz and Wikidata pages, when it has them."""
    urls = identifiers.same_as(entry)
    return {"sameAs": urls} if urls else {}


def _song_json_ld(song, isrcs, context, request):
    writers = [
        {"@type": "Person", "name": credit.person.name}
        for _, group in context["credit_groups"]
        for credit in group
        if credit.role.group == "writing"
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "MusicRecording",
        "name": song.title,
        "url": context["canonical_url"],
        "byArtist": _person_or_group(song.artist, request),
        "recordingOf": {"@type": "MusicComposition", "name": song.title, "composer": writers},
    }
    # The recording is MusicBrainz's recording; the song as written (its work, its ISWC and
    # the Wikidata item, which is of the song rather than one recording) is the composition.
    if song.musicbrainz_recording_id:
        data["sameAs"] = [identifiers.musicbrainz_url("recording", song.musicbrainz_recording_id)]
    if isrcs:
        data["isrcCode"] = [identifiers.format_isrc(isrc.code) for isrc in isrcs]
    composition_same_as = [
        *(
            [identifiers.musicbrainz_url("work", song.musicbrainz_work_id)]
            if song.musicbrainz_work_id
            else []
        ),
        *([identifiers.wikidata_url(song.wikidata_id)] if song.wikidata_id else []),
    ]
    if composition_same_as:
        data["recordingOf"]["sameAs"] = composition_same_as
    if song.iswc:
        data["recordingOf"]["iswcCode"] = song.iswc
    if song.album:
        data["inAlbum"] = {
            "@type": "MusicAlbum",
            "name": song.album.title,
            "url": request.build_absolute_uri(song.album.get_absolute_url()),
        }
    if song.released:
        data["datePublished"] = song.released.iso()
    if song.length:
        minutes, seconds = divmod(int(song.length.total_seconds()), 60)
        data["duration"] = f"PT{minutes}M{seconds}S"
    if context["tags"]:
        data["keywords"] = ", ".join(tag.name for tag in context["tags"])
    return data


@require_safe
def song_list(request):
    """Songs A–Z, optionally by initial. Queries: the initials in use, the count and the
    page (3)."""
    cache_keys.add("songs-az")
    letter, empty_initials = _initial_in_use(request, Song.objects.published(), "title")
    songs = _filter_initial(Song.objects.published(), "title", letter)
    page = _page(request, songs.for_list_page().order_by("title", "pk"), SONGS_PER_PAGE)
    things = [_recording(song, request) for song in page.object_list]
    return render(
        request,
        "catalogue/song_list.html",
        {
            "page": page,
            "letter": letter,
            "initials": INITIALS,
            "empty_initials": empty_initials,
            "canonical_url": _canonical_with_letter(request, letter, page),
            "json_ld": _list_json_ld("Songs A–Z", things, page),
        },
    )


def _canonical_with_letter(request, letter, page):
    url = request.build_absolute_uri(request.path)
    query = []
    if letter:
        query.append(f"letter={letter}")
    if page.number > 1:
        query.append(f"page={page.number}")
    return f"{url}?{'&'.join(query)}" if query else url


# ---- Artists, albums, people ----


@require_safe
def artist_detail(request, slug):
    """An artist's songs (paged) and albums. Queries: the artist (1), the albums (1), the
    song count and page (2): 4.
    """
    artist, moved = _artist_or_redirect(slug)
    if moved:
        return redirect(artist, permanent=True)
    songs = artist.songs.published().select_related("album").order_by("title", "pk")
    page = _page(request, songs, SONGS_PER_PAGE)
    albums = list(artist.albums.all())
    canonical_url = _canonical(request, page)
    json_ld = _person_or_group(artist, request)
    json_ld["@context"] = "https://schema.org"
    if artist.began:
        founded = "foundingDate" if artist.kind == Artist.Kind.GROUP else "birthDate"
        json_ld[founded] = artist.began.iso()
    if albums:
        json_ld["album"] = [
            {
                "@type": "MusicAlbum",
                "name": album.title,
                # The related manager has set album.artist: no query per album.
                "url": request.build_absolute_uri(album.get_absolute_url()),
            }
            for album in albums
        ]
    return render(
        request,
        "catalogue/artist_detail.html",
        {
            "artist": artist,
            "albums": albums,
            "identifiers": identifiers.shown(artist),
            "page": page,
            "canonical_url": canonical_url,
            "json_ld": json_ld,
        },
    )


@require_safe
def artist_list(request):
    """Artists with published songs, A–Z. Queries: the initials in use, the count and the
    page (3)."""
    cache_keys.add("artists-az")
    with_songs = Artist.objects.with_published_songs()
    letter, empty_initials = _initial_in_use(request, with_songs, "sort_name")
    artists = _filter_initial(with_songs, "sort_name", letter)
    page = _page(request, artists.order_by("sort_name", "pk"), ARTISTS_PER_PAGE)
    things = [_person_or_group(artist, request) for artist in page.object_list]
    return render(
        request,
        "catalogue/artist_list.html",
        {
            "page": page,
            "letter": letter,
            "initials": INITIALS,
            "empty_initials": empty_initials,
            "canonical_url": _canonical_with_letter(request, letter, page),
            "json_ld": _list_json_ld("Artists A–Z", things, page),
        },
    )


@require_safe
def album_detail(request, artist_slug, slug):
    """An album's track list. Queries: the artist (1), the album (1), its tracks (1): 3."""
    artist, moved = _artist_or_redirect(artist_slug)
    album = get_object_or_404(Album, artist=artist, slug=slug)
    album.artist = artist
    if moved:
        return redirect(album, permanent=True)
    tracks = selectors.album_tracks(album)
    canonical_url = request.build_absolute_uri(album.get_absolute_url())
    # No numTracks: the catalogue may hold only some of the album's tracks.
    json_ld = {
        "@context": "https://schema.org",
        "@type": "MusicAlbum",
        "name": album.title,
        "url": canonical_url,
        "byArtist": _person_or_group(artist, request),
        "track": [
            {
                "@type": "MusicRecording",
                "name": song.title,
                "url": request.build_absolute_uri(song.get_absolute_url()),
            }
            for song in tracks
        ],
    }
    if album.released:
        json_ld["datePublished"] = album.released.iso()
    json_ld.update(_same_as(album))
    return render(
        request,
        "catalogue/album_detail.html",
        {
            "album": album,
            "artist": artist,
            "tracks": tracks,
            "identifiers": identifiers.shown(album),
            "canonical_url": canonical_url,
            "json_ld": json_ld,
        },
    )


@require_safe
def person_detail(request, slug):
    """Everything a person is credited with, grouped by role and paged.

    Queries: the person (1), the credit count and page with song, artist and role (2): 3.
    """
    person = get_object_or_404(Person.objects.select_related("artist"), slug=slug)
    credits = (
        Credit.objects.filter(person=person, song__status="published")
        .select_related("song__artist", "role")
        .order_by("role__position", "role__name", "song__title", "pk")
    )
    page = _page(request, credits, CREDITS_PER_PAGE)
    json_ld = {
        "@context": "https://schema.org",
        **_named_page("Person", person.name, person.get_absolute_url(), request),
    }
    if person.bio:
        json_ld["description"] = person.bio
    if person.born:
        json_ld["birthDate"] = person.born.iso()
    json_ld.update(_same_as(person))
    return render(
        request,
        "catalogue/person_detail.html",
        {
            "person": person,
            "page": page,
            "credit_groups": _group_credits(page.object_list),
            "identifiers": identifiers.shown(person),
            "canonical_url": _canonical(request, page),
            "json_ld": json_ld,
        },
    )


@require_safe
def person_list(request):
    """People credited on published songs, A–Z, each with the number of those songs.

    Queries: the initials in use, the count and the page (3).
    """
    cache_keys.add("people-az")
    people = Song.objects.published().people_with_counts()
    letter, empty_initials = _initial_in_use(request, people, "sort_name")
    people = _filter_initial(people, "sort_name", letter).order_by("sort_name", "pk")
    page = _page(request, people, PEOPLE_PER_PAGE)
    things = [
        _named_page("Person", person.name, person.get_absolute_url(), request)
        for person in page.object_list
    ]
    return render(
        request,
        "catalogue/person_list.html",
        {
            "page": page,
            "letter": letter,
            "initials": INITIALS,
            "empty_initials": empty_initials,
            "canonical_url": _canonical_with_letter(request, letter, page),
            "json_ld": _list_json_ld("People A–Z", things, page),
        },
    )


@require_safe
def album_list(request):
    """Albums with published songs, A–Z by title. Queries: the initials in use, the count
    and the page with artists (3).
    """
    cache_keys.add("albums-az")
    albums = Song.objects.published().albums_holding()
    letter, empty_initials = _initial_in_use(request, albums, "title")
    albums = _filter_initial(albums, "title", letter).order_by("title", "artist__sort_name", "pk")
    page = _page(request, albums, ALBUMS_PER_PAGE)
    things = [
        {
            **_named_page("MusicAlbum", album.title, album.get_absolute_url(), request),
            "byArtist": _person_or_group(album.artist, request),
        }
        for album in page.object_list
    ]
    return render(
        request,
        "catalogue/album_list.html",
        {
            "page": page,
            "letter": letter,
            "initials": INITIALS,
            "empty_initials": empty_initials,
            "canonical_url": _canonical_with_letter(request, letter, page),
            "json_ld": _list_json_ld("Albums A–Z", things, page),
        },
    )


# ---- Tags, charts, decades and years ----


@require_safe
def tag_detail(request, slug):
    """Published songs with a tag. Queries: the tag (1), the count and page (2): 3."""
    tag = get_object_or_404(Tag, slug=slug)
    songs = Song.objects.published().tagged(tag).for_list_page().order_by("title", "pk")
    page = _page(request, songs, SONGS_PER_PAGE)
    canonical_url = _canonical(request, page)
    things = [_recording(song, request) for song in page.object_list]
    return render(
        request,
        "catalogue/tag_detail.html",
        {
            "tag": tag,
            "page": page,
            "canonical_url": canonical_url,
            "json_ld": _collection_json_ld(tag.name, canonical_url, things, page),
        },
    )


@require_safe
def tag_list(request):
    """Topics of published songs by name, each with its number of them. Queries: the count
    and the page (2).
    """
    cache_keys.add("tags")
    tags = Song.objects.published().tags_with_counts().order_by("name", "pk")
    page = _page(request, tags, TAGS_PER_PAGE)
    things = [
        _named_page(
            "CollectionPage", tag.name, reverse("catalogue:tag-detail", args=[tag.slug]), request
        )
        for tag in page.object_list
    ]
    return render(
        request,
        "catalogue/tag_list.html",
        {
            "page": page,
            "canonical_url": _canonical(request, page),
            "json_ld": _list_json_ld("Topics", things, page),
        },
    )


@require_safe
def chart_detail(request, slug):
    """A chart's songs by peak, then those that did not chart. Queries: the chart (1), the
    count and page (2): 3.

    `?entry=N`, where a song page links, redirects to the page and row of chart run N.
    """
    chart = get_object_or_404(Chart, slug=slug)
    entries = ChartEntry.objects.filter(chart=chart).for_chart_page()
    if "entry" in request.GET:
        return _chart_row(chart, entries, request.GET["entry"])
    page = _page(request, entries, SONGS_PER_PAGE)
    canonical_url = _canonical(request, page)
    things = [_recording(entry.song, request) for entry in page.object_list]
    return render(
        request,
        "catalogue/chart_detail.html",
        {
            "chart": chart,
            "page": page,
            "columns": selectors.ChartColumns.of(page.object_list),
            "canonical_url": canonical_url,
            "json_ld": _collection_json_ld(chart.name, canonical_url, things, page),
        },
    )


def _chart_row(chart, entries, entry_id):
    """A redirect to the page of `entries` that shows the run `entry_id`, at its row; a 404
    when it is not one of them. One query: the run's place (the song page cannot afford to
    count every run above each of its own)."""
    # Ids are bigints: 18 digits always fit.
    if not (entry_id.isascii() and entry_id.isdigit() and len(entry_id) <= 18):
        raise Http404("No such chart entry.")
    pk = int(entry_id)
    place = selectors.place_in(entries, pk)
    if place is None:
        raise Http404("No such chart entry.")
    number = (place - 1) // SONGS_PER_PAGE + 1
    query = f"?page={number}" if number > 1 else ""
    return redirect(f"{chart.get_absolute_url()}{query}#entry-{pk}")


@require_safe
def chart_list(request):
    """Charts in their order, each with the number of entries its page lists. Queries: the
    count and the page (2).
    """
    cache_keys.add("charts")
    charts = (
        ChartEntry.objects.for_chart_page()
        .charts_with_counts()
        .order_by(*Chart._meta.ordering, "pk")
    )
    page = _page(request, charts, CHARTS_PER_PAGE)
    things = [
        _named_page("CollectionPage", chart.name, chart.get_absolute_url(), request)
        for chart in page.object_list
    ]
    return render(
        request,
        "catalogue/chart_list.html",
        {
            "page": page,
            "canonical_url": _canonical(request, page),
            "json_ld": _list_json_ld("Charts", things, page),
        },
    )


@require_safe
def decade_list(request):
    """Decades with their number of published songs. One query."""
    cache_keys.add("songs-az")
    decades = list(
        _recorded(Song.objects.published())
        .annotate(decade=F("release_year") / 10 * 10)
        .values("decade")
        .annotate(songs=Count("pk"))
        .order_by("decade")
    )
    things = [
        _named_page(
            "CollectionPage",
            f"Songs of the {row['decade']}s",
            reverse("catalogue:decade-detail", args=[row["decade"]]),
            request,
        )
        for row in decades
    ]
    return render(
        request,
        "catalogue/decade_list.html",
        {
            "decades": decades,
            "canonical_url": _canonical(request),
            "json_ld": _list_json_ld("Songs by decade", things),
        },
    )


@require_safe
def decade_detail(request, decade):
    """A decade's songs by year (paged) and its years. Queries: the years (1), the count
    and page (2): 3.
    """
    if decade % 10:
        raise Http404("A decade starts with a year ending in 0.")
    _recorded_or_404(decade, decade + 9)
    cache_keys.add("songs-az")
    songs = _recorded(Song.objects.published()).filter(release_year__range=(decade, decade + 9))
    years = list(songs.year_counts())
    if not years:
        raise Http404("No songs of this decade are in the catalogue.")
    page = _page(
        request, songs.for_list_page().order_by("release_year", "title", "pk"), SONGS_PER_PAGE
    )
    canonical_url = _canonical(request, page)
    things = [_recording(song, request) for song in page.object_list]
    return render(
        request,
        "catalogue/decade_detail.html",
        {
            "decade": decade,
            "years": years,
            "page": page,
            "canonical_url": canonical_url,
            "json_ld": _collection_json_ld(f"Songs of the {decade}s", canonical_url, things, page),
        },
    )


@require_safe
def year_detail(request, year):
    """A year's songs; a year with none is a 404. Queries: the count and page (2)."""
    _recorded_or_404(year, year)
    cache_keys.add("songs-az")
    songs = Song.objects.published().filter(release_year=year)
    page = _page(
        request,
        songs.for_list_page().order_by("title", "pk"),
        SONGS_PER_PAGE,
        allow_empty=False,
    )
    canonical_url = _canonical(request, page)
    things = [_recording(song, request) for song in page.object_list]
    return render(
        request,
        "catalogue/year_detail.html",
        {
            "year": year,
            "decade": year // 10 * 10,
            "page": page,
            "canonical_url": canonical_url,
            "json_ld": _collection_json_ld(f"Songs from {year}", canonical_url, things, page),
        },
    )


@require_safe
def year_list(request):
    """Years with published songs, by decade, each with its number of songs. One query."""
    cache_keys.add("years")
    years = list(_recorded(Song.objects.published()).year_counts())
    decades = [
        (decade, list(rows))
        for decade, rows in itertools.groupby(years, lambda row: row["release_year"] // 10 * 10)
    ]
    things = [
        _named_page(
            "CollectionPage",
            f"Songs from {row['release_year']}",
            reverse("catalogue:year-detail", args=[row["release_year"]]),
            request,
        )
        for row in years
    ]
    return render(
        request,
        "catalogue/year_list.html",
        {
            "decades": decades,
            "canonical_url": _canonical(request),
            "json_ld": _list_json_ld("Songs by year", things),
        },
    )


# ---- Home ----


@require_safe
def home(request):
    """Latest facts, new songs, songs with recent comments and the song of the day.

    Queries: 5 (see catalogue.selectors.home_page).
    """
    cache_keys.add("home")
    # It says how long ago each comment was posted, and its song of the day changes daily.
    cache_keys.keep_at_most(HOME_LIFETIME)
    page = selectors.home_page(timezone.localdate())
    context = {
        "latest_facts": page.latest_facts,
        "new_songs": page.new_songs,
        "recently_commented": page.recently_commented,
        "song_of_the_day": page.song_of_the_day,
        "canonical_url": _canonical(request),
    }
    return render(request, "home.html", context)
