"""IdsFirstPaginator pages as Django's Paginator does, one query a page."""

import pytest
from django.core.paginator import EmptyPage, Paginator

from catalogue.models import Song
from catalogue.pagination import IdsFirstPaginator
from tests.conftest import make_artist, make_song

pytestmark = pytest.mark.django_db


@pytest.fixture
def songs():
    artist = make_artist()
    # Repeated titles, so that only the id orders some of them.
    for n in range(23):
        make_song(artist=artist, title=f"Song {n % 7}", slug=f"song-{n}")
    return Song.objects.select_related("artist").order_by("title", "pk")


@pytest.mark.parametrize(("per_page", "orphans"), [(5, 0), (5, 3), (10, 0), (23, 0), (50, 0)])
def test_it_gives_the_pages_that_djangos_paginator_gives(songs, per_page, orphans):
    ours = IdsFirstPaginator(songs, per_page, orphans=orphans)
    django = Paginator(songs, per_page, orphans=orphans)
    assert ours.num_pages == django.num_pages
    for number in ours.page_range:
        page, expected = ours.page(number), django.page(number)
        assert list(page) == list(expected)
        assert (page.start_index(), page.end_index()) == (
            expected.start_index(),
            expected.end_index(),
        )
    with pytest.raises(EmptyPage):
        ours.page(ours.num_pages + 1)


@pytest.mark.parametrize("number", [1, 3])
def test_a_page_costs_one_query_with_its_relations(songs, number, django_assert_num_queries):
    paginator = IdsFirstPaginator(songs, 5)
    assert paginator.count == 23  # counted here, so that the page alone is measured
    with django_assert_num_queries(1) as captured:
        page = list(paginator.page(number))
        assert [song.artist.name for song in page]
    # Past the first page, the ids come from a subquery.
    assert (" IN (SELECT " in captured.captured_queries[0]["sql"]) == (number > 1)
