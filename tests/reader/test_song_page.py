"""The song page: every part of it, its addresses, drafts, structured data and its cost."""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.urls import reverse

from catalogue.models import (
    Album,
    Appearance,
    Certification,
    Chart,
    ChartEntry,
    Credit,
    EditorsPick,
    Fact,
    Person,
    Role,
    Source,
    Status,
    Version,
)
from catalogue.selectors import EDITORS_PICKS
from comments.models import Comment
from tests.conftest import make_artist, make_song, make_user
from tests.reader.conftest import add_content

pytestmark = pytest.mark.django_db


def json_ld_blocks(html):
    return [
        json.loads(block)
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S
        )
    ]


@pytest.fixture
def heroes(db):
    bowie = make_artist(name="David Bowie", sort_name="Bowie, David", slug="david-bowie")
    album = Album.objects.create(title="Heroes", slug="heroes", artist=bowie, release_year=1977)
    song = make_song(
        title="Heroes",
        slug="heroes",
        artist=bowie,
        album=album,
        release_year=1977,
        length=datetime.timedelta(minutes=6, seconds=7),
        video_url="https://www.youtube.com/watch?v=lXgkuM2NhYI",
    )
    song.tags.add("Songs about Berlin")
    first = Fact.objects.create(
        song=song,
        position=1,
        body="Lovers meet by <q>the wall</q>.\n\nA second paragraph.",
        standing=Fact.Standing.DISPUTED,
        status=Status.PUBLISHED,
        suggested_by_name="Michael Lloyd",
        suggested_by_place="London, England",
    )
    Source.objects.create(fact=first, citation="Performing Songwriter magazine, 2003")
    Fact.objects.create(
        song=song,
        position=2,
        body="You can see the Wall from Hansa.",
        standing=Fact.Standing.MYTH,
        status=Status.PUBLISHED,
    )
    Fact.objects.create(song=song, position=3, body="An unchecked draft.", status=Status.DRAFT)
    eno = Person.objects.create(name="Brian Eno", sort_name="Eno, Brian", slug="brian-eno")
    visconti = Person.objects.create(
        name="Tony Visconti", sort_name="Visconti, Tony", slug="tony-visconti"
    )
    writer = Role.objects.create(name="Songwriter", slug="songwriter", group="writing", position=1)
    producer = Role.objects.create(name="Producer", slug="producer", group="production")
    drums = Role.objects.create(name="Percussion", slug="percussion", position=200)
    Credit.objects.create(song=song, person=eno, role=writer)
    Credit.objects.create(song=song, person=eno, role=producer)
    Credit.objects.create(song=song, person=visconti, role=producer)
    Credit.objects.create(song=song, person=visconti, role=drums, note="banging on a metal ashtray")
    uk = Chart.objects.create(name="UK Singles Chart", slug="uk-singles", position=1)
    hot100 = Chart.objects.create(name="Billboard Hot 100", slug="hot-100", position=2)
    ChartEntry.objects.create(song=song, chart=uk, peak_position=24, entry_year=1977)
    ChartEntry.objects.create(
        song=song, chart=uk, peak_position=12, entry_year=2016, note="re-entry after his death"
    )
    ChartEntry.objects.create(song=song, chart=hot100, peak_position=None, entry_year=1977)
    Certification.objects.create(song=song, body="BPI", level="Platinum")
    wallflowers = make_artist(name="The Wallflowers", slug="the-wallflowers")
    cover = make_song(title="Heroes", slug="heroes", artist=wallflowers, release_year=1998)
    Version.objects.create(original=song, version=cover, kind=Version.Kind.COVER)
    helden = make_song(title="Helden", slug="helden", artist=bowie, status=Status.DRAFT)
    Version.objects.create(
        original=song, version=helden, kind=Version.Kind.LANGUAGE, language="German"
    )
    neu = make_artist(name="Neu!", slug="neu")
    hero = make_song(title="Hero", slug="hero", artist=neu, release_year=1975)
    Version.objects.create(original=hero, version=song, kind=Version.Kind.REFERENCE)
    Appearance.objects.create(song=song, medium="film", title="Christiane F", year=1981)
    Appearance.objects.create(song=cover, medium="film", title="Godzilla", year=1998)
    pick = EditorsPick.objects.create(
        title="Early Days of MTV", kind="quiz", blurb="Spot the real stories.", url="https://x.org/"
    )
    pick.songs.add(song)
    EditorsPick.objects.create(
        title="Amy Grant",
        kind="interview",
        blurb="On inspiration.",
        url="https://x.org/a",
        site_wide=True,
    )
    EditorsPick.objects.create(
        title="Unrelated pick", kind="article", blurb="Elsewhere.", url="https://x.org/b"
    )
    related = make_song(title="Sound and Vision", slug="sound-and-vision", artist=bowie)
    other = make_song(title="Another Green World", slug="another-green-world")
    Credit.objects.create(song=other, person=eno, role=producer)
    Comment.objects.create(song=song, author_name="Ken", author_place="Denmark", body="Jojo!")
    Comment.objects.create(song=song, author_name="Spam", body="Buy now", status="spam")
    return {"song": song, "related": related, "other": other, "cover": cover}


def test_it_shows_every_part_of_the_song(client, heroes):
    response = client.get("/songs/david-bowie/heroes/")

    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "<h1",
        "David Bowie",
        'href="/artists/david-bowie/albums/heroes/">Heroes</a> (1977)',
        "6:07",
        # The headline is the best peak, linked to the chart table.
        '<dt>Charted:</dt> <dd><a href="#charts"',
        ">12</a>",
        'id="charts"',
        "Lovers meet by <q>the wall</q>.</p><p>A second paragraph.</p>",
        'Suggestion credit: <span class="fact__credit-name">Michael Lloyd - London, England',
        "Source: Performing Songwriter magazine, 2003",
        "badge--disputed",
        "badge--myth",
        "Songwriter",
        "Producer",
        "banging on a metal ashtray",
        "UK Singles Chart",
        "Did not chart",
        "re-entry after his death",
        "BPI Platinum",
        "The Wallflowers",
        'href="/songs/neu/hero/">Hero</a>',
        "Christiane F",
        "Godzilla",
        "the version by",
        'href="/tags/songs-about-berlin/">Songs about Berlin</a>',
        "Comments: 1",
        "Jojo!",
        "Early Days of MTV",
        "Amy Grant",
        "Sound and Vision",
        "Another Green World",
        'rel="canonical" href="http://testserver/songs/david-bowie/heroes/"',
        'property="og:title" content="Heroes by David Bowie"',
        'id="suggest-fact"',
    ]:
        assert text in html, text
    assert "An unchecked draft." not in html
    assert "Helden" not in html
    assert "Unrelated pick" not in html
    assert "Buy now" not in html
    # The credits come grouped by role, in the roles' order.
    assert html.index(">Songwriter<") < html.index(">Producer<") < html.index(">Percussion<")
    # Facts keep the editors' order.
    assert html.index("Lovers meet") < html.index("You can see the Wall")


def test_it_shows_each_facts_standing_and_each_sources_kind(client, published_song):
    fact = Fact.objects.create(
        song=published_song,
        position=1,
        body="Recorded at Hansa.",
        standing=Fact.Standing.VERIFIED,
        status=Status.PUBLISHED,
    )
    Source.objects.create(fact=fact, kind=Source.Kind.INTERVIEW, citation="Uncut, 2017")
    Source.objects.create(
        fact=fact, kind=Source.Kind.LINER_NOTES, citation="Sleeve", url="https://example.org/"
    )
    Source.objects.create(fact=fact, citation="Heard somewhere")

    html = client.get(published_song.get_absolute_url()).content.decode()

    assert '<span class="badge badge--verified">Verified</span>' in html
    assert 'Uncut, 2017 <span class="fact__source-kind">(Interview)</span>' in html
    assert 'Sleeve</a> <span class="fact__source-kind">(Liner notes)</span>' in html
    assert "Source: Heard somewhere</li>" in html


def test_the_chart_table_leaves_out_the_columns_no_row_fills(client, published_song):
    uk = Chart.objects.create(name="UK Singles Chart", slug="uk")
    us = Chart.objects.create(name="Billboard Hot 100", slug="us")
    ChartEntry.objects.create(song=published_song, chart=uk, peak_position=24, entry_year=1977)
    entry = ChartEntry.objects.create(song=published_song, chart=us, entry_year=1977)
    url = published_song.get_absolute_url()

    empty = client.get(url).content.decode()
    entry.note = "re-entry after his death"
    entry.save()
    ChartEntry.objects.create(
        song=published_song, chart=uk, peak_position=12, entry_year=2016, weeks_on_chart=3
    )
    filled = client.get(url).content.decode()

    assert '<th scope="col">Weeks</th>' not in empty
    assert '<th scope="col">Note</th>' not in empty
    assert "Did not chart" in empty
    assert '<th scope="col">Weeks</th>' in filled
    assert '<th scope="col">Note</th>' in filled
    assert "<td>3</td>" in filled


def test_it_shows_the_comment_count_of_published_comments_in_the_header(client, heroes):
    html = client.get("/songs/david-bowie/heroes/").content.decode()

    header = html[
        html.index('class="song__header"') : html.index("</header>", html.index("song__header"))
    ]
    assert '<a href="#comments">1</a>' in header


def test_the_video_loads_nothing_from_the_video_site_until_clicked(client, heroes):
    html = client.get("/songs/david-bowie/heroes/").content.decode()

    assert "<iframe" not in html
    assert 'href="https://www.youtube.com/watch?v=lXgkuM2NhYI"' in html
    assert 'data-embed-src="https://www.youtube-nocookie.com/embed/lXgkuM2NhYI?autoplay=1"' in html
    assert re.search(r'<script src="/static/js/video\.[0-9a-f]+\.js" defer></script>', html)


def test_it_has_no_inline_script_or_style(client, heroes):
    html = client.get("/songs/david-bowie/heroes/").content.decode()

    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts
    assert all('type="application/ld+json"' in attrs or "src=" in attrs for attrs in scripts)
    assert "<style" not in html
    assert " style=" not in html


def test_the_json_ld_is_a_music_recording_of_a_composition(client, heroes):
    html = client.get("/songs/david-bowie/heroes/").content.decode()

    [data] = json_ld_blocks(html)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "MusicRecording"
    assert data["name"] == "Heroes"
    assert data["byArtist"] == {
        "@type": "Person",
        "name": "David Bowie",
        "url": "http://testserver/artists/david-bowie/",
    }
    assert data["recordingOf"]["@type"] == "MusicComposition"
    assert data["recordingOf"]["composer"] == [{"@type": "Person", "name": "Brian Eno"}]
    assert data["inAlbum"]["@type"] == "MusicAlbum"
    assert data["duration"] == "PT6M7S"


def test_the_json_ld_cannot_be_broken_out_of(client):
    song = make_song(title="</script><script>alert(1)</script>", slug="breakout")

    html = client.get(song.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in html
    [data] = json_ld_blocks(html)
    assert data["name"] == "</script><script>alert(1)</script>"


def test_it_escapes_what_readers_and_editors_typed(client, published_song):
    Fact.objects.create(
        song=published_song,
        position=1,
        body='<script>alert(1)</script><img src=x onerror="alert(2)"><em>kept</em>'
        '<a href="javascript:alert(3)">bad link</a>',
        status=Status.PUBLISHED,
        suggested_by_name="<b>Mallory</b>",
    )
    Comment.objects.create(song=published_song, author_name="<i>Eve</i>", body="<script>x</script>")
    published_song.tags.add("<svg onload=alert(4)>")

    html = client.get(published_song.get_absolute_url()).content.decode()

    assert "<script>alert" not in html
    assert "alert(1)" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<svg" not in html
    assert "&lt;svg onload=alert(4)&gt;" in html
    assert "<em>kept</em>" in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html
    assert "&lt;i&gt;Eve&lt;/i&gt;" in html
    assert "<script>x" not in html


def test_links_in_facts_to_other_sites_get_nofollow(client, published_song):
    Fact.objects.create(
        song=published_song,
        position=1,
        body='See <a href="https://loudersound.com/heroes">Louder</a> and '
        '<a href="/songs/">our list</a>.',
        status=Status.PUBLISHED,
    )

    html = client.get(published_song.get_absolute_url()).content.decode()

    assert '<a href="https://loudersound.com/heroes" rel="nofollow noopener">Louder</a>' in html
    assert '<a href="/songs/">our list</a>' in html


def test_it_answers_404_for_an_unknown_song(client, published_song):
    assert client.get("/songs/david-bowie/no-such-song/").status_code == 404
    assert client.get(f"/songs/{published_song.artist.slug}/no-such-song/").status_code == 404
    assert client.get("/songs/nobody/heroes/").status_code == 404


def test_it_hides_unpublished_songs_from_readers(client, reader, draft_song):
    url = draft_song.get_absolute_url()

    assert client.get(url).status_code == 404
    client.force_login(reader)
    assert client.get(url).status_code == 404


def test_editors_see_drafts_marked_as_drafts(client, editor, draft_song):
    client.force_login(editor)

    response = client.get(draft_song.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "badge--draft" in html
    assert '<meta name="robots" content="noindex">' in html


def test_staff_without_the_change_permission_do_not_see_drafts(client, draft_song):
    staff = make_user("clerk", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_song"))
    client.force_login(staff)

    assert client.get(draft_song.get_absolute_url()).status_code == 404


def test_published_songs_are_not_marked_as_drafts(client, editor, published_song):
    client.force_login(editor)

    html = client.get(published_song.get_absolute_url()).content.decode()

    assert "badge--draft" not in html
    assert "noindex" not in html


def test_a_renamed_song_redirects_permanently_from_its_old_slug(client, published_song):
    old_url = published_song.get_absolute_url()
    published_song.slug = "heroes-1977"
    published_song.save()

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == published_song.get_absolute_url()


def test_a_renamed_artist_redirects_its_songs_permanently(client, published_song):
    artist = published_song.artist
    old_url = published_song.get_absolute_url()
    artist.slug = "david-bowie"
    artist.save()

    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == "/songs/david-bowie/heroes/"
    assert client.get(response["Location"]).status_code == 200


def test_an_old_slug_of_an_unpublished_song_is_still_a_404(client, draft_song):
    old_url = draft_song.get_absolute_url()
    draft_song.slug = "finished"
    draft_song.save()

    assert client.get(old_url).status_code == 404


def test_a_song_can_take_back_a_slug_it_had_before(client, published_song):
    published_song.slug = "heroes-1977"
    published_song.save()
    published_song.slug = "heroes"
    published_song.save()

    assert client.get(f"/songs/{published_song.artist.slug}/heroes/").status_code == 200
    response = client.get(f"/songs/{published_song.artist.slug}/heroes-1977/")
    assert response.status_code == 301
    assert response["Location"] == published_song.get_absolute_url()


def test_a_bad_comment_page_number_is_never_a_server_error(client, published_song):
    url = published_song.get_absolute_url()

    for value in ["abc", "-1", "0", "99999999999999999999", "1.5", "%00"]:
        assert client.get(url, {"comments_page": value}).status_code in (200, 404), value


def test_the_song_page_costs_the_same_queries_with_50_of_everything(
    client, published_song, django_assert_num_queries
):
    published_song.album = Album.objects.create(
        title="Heroes", slug="heroes", artist=published_song.artist
    )
    published_song.save()
    make_song(title="Sound and Vision", artist=published_song.artist)
    add_content(published_song, 1)
    url = published_song.get_absolute_url()

    # Expect 2 queries: the song with all its parts and related songs (catalogue.selectors);
    # the comment counts with a page of comments and their replies (comments.selectors).
    with django_assert_num_queries(2):
        assert client.get(url).status_code == 200

    add_content(published_song, 50)

    with django_assert_num_queries(2):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="fact"') == 51
    assert html.count("Source: <a") == 51
    assert html.count("/people/p-") == 51
    assert html.count("Did not chart") == 51
    assert html.count(" Gold</li>") == 51
    assert html.count("(cover)") == 51
    assert html.count("this song: live") == 51
    assert html.count("/tags/topic-") == 51
    assert html.count("<cite>Film ") == 51
    assert html.count("<cite>Show ") == 51
    assert html.count('class="pick"') == EDITORS_PICKS
    assert "Sound and Vision" in html


def test_quotes_in_a_fact_cannot_escape_the_meta_description(client, published_song):
    Fact.objects.create(
        song=published_song,
        position=1,
        body='He said "yes" onmouseover="alert(1)" & left.',
        status=Status.PUBLISHED,
    )

    html = client.get(published_song.get_absolute_url()).content.decode()

    assert (
        '<meta name="description" content="He said &quot;yes&quot; '
        'onmouseover=&quot;alert(1)&quot; &amp; left.">' in html
    )


def _related_titles(html):
    section = html.split('id="related-heading"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section)


def test_related_songs_rank_shared_people_over_tags_and_the_artist(client, published_song):
    person = Person.objects.create(name="Brian Eno", sort_name="Eno, Brian", slug="brian-eno")
    role = Role.objects.create(name="Producer", slug="producer")
    Credit.objects.create(song=published_song, person=person, role=role)
    published_song.tags.add("berlin")
    by_the_same_person = make_song(title="Zoo Station")
    Credit.objects.create(song=by_the_same_person, person=person, role=role)
    make_song(title="Berlin").tags.add("berlin")
    make_song(title="Aladdin Sane", artist=published_song.artist)
    make_song(title="Unrelated")

    html = client.get(published_song.get_absolute_url()).content.decode()

    assert _related_titles(html) == ["Zoo Station", "Aladdin Sane", "Berlin"]
    assert "shares 1 credit" in html
    assert "shares 1 topic" in html


def test_related_songs_leave_out_drafts_versions_and_originals(client, published_song):
    published_song.tags.add("berlin")
    draft = make_song(title="Draft", status=Status.DRAFT)
    cover = make_song(title="Cover")
    original = make_song(title="Original")
    Version.objects.create(original=published_song, version=cover, kind=Version.Kind.COVER)
    Version.objects.create(original=original, version=published_song, kind=Version.Kind.LIVE)
    for song in (draft, cover, original):
        song.tags.add("berlin")
    kept = make_song(title="Kept")
    kept.tags.add("berlin")

    html = client.get(published_song.get_absolute_url()).content.decode()

    assert _related_titles(html) == ["Kept"]


def test_related_songs_stop_at_six(client, published_song):
    published_song.tags.add("berlin")
    for n in range(8):
        make_song(title=f"Berlin {n}").tags.add("berlin")

    html = client.get(published_song.get_absolute_url()).content.decode()

    assert _related_titles(html) == [f"Berlin {n}" for n in range(6)]


def test_the_song_statement_is_prepared_and_planned_once(client, published_song):
    add_content(published_song, 2)
    # psycopg prepares a statement on its sixth run; PostgreSQL plans the first five runs of
    # a prepared statement for their parameters, then reuses one plan if it costs no more.
    for _ in range(5 + 5 + 2):
        client.get(published_song.get_absolute_url())

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%catalogue_editorspick_songs%"],
        )
        [(generic_plans,)] = cursor.fetchall()
    assert generic_plans > 0


def test_each_song_page_posts_its_forms_to_its_own_song(client, published_song):
    other = make_song(title="Sound and Vision")

    for song in (published_song, other, published_song):
        html = client.get(song.get_absolute_url()).content.decode()

        assert f'action="{reverse("comments:comment-create", kwargs={"song_pk": song.pk})}"' in html
        assert (
            f'action="{reverse("comments:suggestion-create", kwargs={"song_pk": song.pk})}"' in html
        )
