"""The song page's hand-written statement loads what the ORM would, field by field."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Q

from catalogue.models import Appearance, EditorsPick, Song, Status, Version
from catalogue.selectors import (
    EDITORS_PICKS,
    SONG_PAGE_MODELS,
    TAG_ORDERING,
    load_song_page,
)
from songfacts.json_rows import stored_fields, unloadable_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed(db):
    call_command("load_seed", verbosity=0)
    return Song.objects.select_related("artist", "album__artist").get(
        artist__slug="david-bowie", slug="heroes"
    )


def _orm_page(song):
    """What the song page shows, as the named QuerySets load it."""
    published_versions = song.versions.filter(version__status=Status.PUBLISHED)
    same_song_versions = published_versions.filter(kind__in=Version.SAME_SONG_KINDS)
    return {
        "facts": list(song.facts.published().prefetch_related("sources")),
        "credits": list(song.credits.select_related("person", "role")),
        "isrcs": list(song.isrcs.all()),
        "chart_entries": list(song.chart_entries.select_related("chart")),
        "certifications": list(song.certifications.all()),
        "versions": list(published_versions.select_related("version__artist")),
        "originals": list(
            song.version_of.filter(original__status=Status.PUBLISHED)
            .select_related("original__artist")
            .order_by("pk")
        ),
        "tags": list(song.tags.order_by(*TAG_ORDERING)),
        "appearances": list(
            Appearance.objects.filter(
                Q(song=song) | Q(song__in=same_song_versions.values("version"))
            ).select_related("song__artist")
        ),
        "editors_picks": list(EditorsPick.objects.for_song(song)[:EDITORS_PICKS]),
    }


def _assert_same(orm, loaded, where):
    assert type(orm) is type(loaded), where
    for field in stored_fields(type(orm)):
        expected, got = getattr(orm, field.attname), getattr(loaded, field.attname)
        assert got == expected, f"{where}.{field.name}"
        assert type(got) is type(expected), f"{where}.{field.name}"


def _assert_same_rows(orm_rows, loaded_rows, where, relations=()):
    assert len(loaded_rows) == len(orm_rows), where
    for n, (orm, loaded) in enumerate(zip(orm_rows, loaded_rows, strict=True)):
        _assert_same(orm, loaded, f"{where}[{n}]")
        for path in relations:
            orm_related, loaded_related = orm, loaded
            for step in path.split("."):
                orm_related = getattr(orm_related, step)
                loaded_related = getattr(loaded_related, step)
            _assert_same(orm_related, loaded_related, f"{where}[{n}].{path}")


def test_the_seed_song_has_every_part_to_compare(seed):
    orm = _orm_page(seed)
    # The seed knows no certification or ISRC of its songs (test_it_loads_isrcs_as_the_orm_does).
    assert all(orm[part] for part in orm if part not in ("certifications", "isrcs")), {
        part: len(rows) for part, rows in orm.items()
    }


def test_it_loads_the_song_as_the_orm_does(seed):
    page = load_song_page("david-bowie", "heroes", include_drafts=False)

    _assert_same(seed, page.song, "song")
    _assert_same(seed.artist, page.song.artist, "song.artist")
    _assert_same(seed.album, page.song.album, "song.album")
    _assert_same(seed.album.artist, page.song.album.artist, "song.album.artist")


def test_it_loads_every_part_as_the_orm_does(seed):
    _assert_same_parts(seed)


def test_it_loads_every_part_of_every_seed_song_as_the_orm_does(seed):
    # Hero by Neu! has a version that draws on it (Heroes), whose placements are not Hero's.
    for song in Song.objects.select_related("artist"):
        _assert_same_parts(song)


def _assert_same_parts(song):
    page = load_song_page(song.artist.slug, song.slug, include_drafts=False)
    orm = _orm_page(song)
    at = song.get_absolute_url()

    _assert_same_rows(orm["facts"], page.facts, f"{at} facts")
    for n, fact in enumerate(orm["facts"]):
        _assert_same_rows(list(fact.sources.all()), page.facts[n].source_list, f"{at} facts[{n}]")
    _assert_same_rows(orm["credits"], page.credits, f"{at} credits", ["person", "role"])
    _assert_same_rows(orm["isrcs"], page.isrcs, f"{at} isrcs")
    _assert_same_rows(orm["chart_entries"], page.chart_entries, f"{at} chart_entries", ["chart"])
    _assert_same_rows(orm["certifications"], page.certifications, f"{at} certifications")
    _assert_same_rows(
        orm["versions"], page.versions, f"{at} versions", ["version", "version.artist"]
    )
    _assert_same_rows(
        orm["originals"], page.originals, f"{at} originals", ["original", "original.artist"]
    )
    _assert_same_rows(orm["tags"], page.tags, f"{at} tags")
    _assert_same_rows(orm["appearances"], page.appearances, f"{at} appearances", ["song"])
    _assert_same_rows(orm["editors_picks"], page.editors_picks, f"{at} editors_picks")


def test_it_converts_dates_and_lengths_as_the_orm_does(seed):
    seed.length = datetime.timedelta(minutes=6, seconds=7)
    seed.save()
    seed.certifications.create(
        body="BPI", level="Platinum", certified_on=datetime.date(2016, 1, 15)
    )
    seed.refresh_from_db()

    page = load_song_page("david-bowie", "heroes", include_drafts=False)

    _assert_same(seed, page.song, "song")
    _assert_same_rows(list(seed.certifications.all()), page.certifications, "certifications")


def test_it_loads_isrcs_as_the_orm_does(seed):
    seed.isrcs.create(code="GBAYE1700001")
    seed.isrcs.create(code="GBAYE7700001")
    _assert_same_parts(seed)
    page = load_song_page("david-bowie", "heroes", include_drafts=False)
    assert [isrc.code for isrc in page.isrcs] == ["GBAYE1700001", "GBAYE7700001"]


def test_the_years_generated_from_the_dates_are_loaded_too(seed, django_assert_num_queries):
    page = load_song_page("david-bowie", "heroes", include_drafts=False)
    with django_assert_num_queries(0):
        assert page.song.release_year == seed.release_year == 1977
        assert page.song.album.release_year == 1977
        assert [entry.entry_year for entry in page.chart_entries] == [1977, 2016, 1977]
        assert all(relation.version.release_year for relation in page.versions)


@pytest.mark.parametrize("model", SONG_PAGE_MODELS, ids=lambda model: model.__name__)
def test_every_field_the_statement_loads_has_a_conversion(model):
    assert unloadable_fields(model) == [], (
        f"{model.__name__} has a field type songfacts.json_rows does not convert from JSON"
    )
