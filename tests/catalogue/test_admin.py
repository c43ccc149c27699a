"""Editors work in the admin without being superusers; moderators and readers cannot."""

import pytest
import reversion
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version as Revised

from catalogue.markup import render_fact
from catalogue.models import (
    Album,
    Chart,
    ChartEntry,
    Credit,
    Fact,
    Person,
    Role,
    Song,
    Status,
    Version,
)
from tests.conftest import make_artist, make_song, make_user

pytestmark = pytest.mark.django_db

# The inline formsets of a song's change page, by prefix.
SONG_INLINES = [
    "facts",
    "credits",
    "isrcs",
    "chart_entries",
    "certifications",
    "versions",
    "version_of",
    "appearances",
]


def song_change_url(song):
    return reverse("admin:catalogue_song_change", args=[song.pk])


def song_form_data(song, **inlines):
    """The POST of a song's change page: the song's fields and each inline's rows."""
    data = {
        "title": song.title,
        "slug": song.slug,
        "artist": song.artist_id,
        "status": song.status,
        "tags": "",
        "album": song.album_id or "",
        "track_number": "",
        "release_date": song.released.iso() if song.released else "",
        "length": "",
        "video_url": song.video_url,
    }
    for prefix in SONG_INLINES:
        rows = inlines.get(prefix, [])
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = sum(1 for row in rows if row.get("id"))
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
        for i, row in enumerate(rows):
            for field, value in row.items():
                data[f"{prefix}-{i}-{field}"] = value
            data[f"{prefix}-{i}-song"] = song.pk
    return data


def fact_row(fact=None, **fields):
    row = {
        "position": 10,
        "status": Status.PUBLISHED,
        "standing": Fact.Standing.VERIFIED,
        "body": "",
        "suggested_by_name": "",
        "suggested_by_place": "",
    }
    if fact is not None:
        row.update(
            id=fact.pk,
            position=fact.position,
            status=fact.status,
            standing=fact.standing,
            body=fact.body,
        )
    row.update(fields)
    return row


def user_with_permissions(username, *codenames):
    """A staff member with exactly these catalogue permissions (no publish ones unless named)."""
    group = Group.objects.create(name=f"{username} group")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="catalogue", codename__in=codenames)
    )
    return make_user(username, group.name, is_staff=True)


def test_it_lets_an_editor_add_a_fact_on_the_song_page_of_the_admin(client, editor, published_song):
    assert not editor.is_superuser
    client.force_login(editor)
    assert client.get(song_change_url(published_song)).status_code == 200

    row = fact_row(body="Bowie and Eno wrote it in Berlin.", suggested_by_name="Gudni")
    row["suggested_by_place"] = "Iceland"
    response = client.post(
        song_change_url(published_song), song_form_data(published_song, facts=[row])
    )

    assert response.status_code == 302, response.context and response.context["errors"]
    fact = published_song.facts.get()
    assert (fact.body, fact.status, fact.suggestion_credit) == (
        "Bowie and Eno wrote it in Berlin.",
        Status.PUBLISHED,
        "Gudni - Iceland",
    )
    assert Revised.objects.get_for_object(fact).get().revision.user == editor


def test_it_shows_the_fact_an_editor_added_on_the_song_page(client, editor, published_song):
    client.force_login(editor)
    data = song_form_data(published_song, facts=[fact_row(body="Written above a garage.")])
    assert client.post(song_change_url(published_song), data).status_code == 302
    client.logout()
    response = client.get(published_song.get_absolute_url())
    assert response.status_code == 200
    assert "Written above a garage." in response.content.decode()


def test_it_lets_an_editor_swap_two_facts_in_one_save(client, editor, published_song):
    first = Fact.objects.create(song=published_song, position=10, body="First.")
    second = Fact.objects.create(song=published_song, position=20, body="Second.")
    client.force_login(editor)
    rows = [fact_row(first, position=20), fact_row(second, position=10)]
    response = client.post(
        song_change_url(published_song), song_form_data(published_song, facts=rows)
    )
    assert response.status_code == 302
    assert list(published_song.facts.values_list("body", flat=True)) == ["Second.", "First."]


def test_it_refuses_two_facts_at_one_position_with_a_form_error(client, editor, published_song):
    first = Fact.objects.create(song=published_song, position=10, body="First.")
    client.force_login(editor)
    rows = [fact_row(first), fact_row(body="A clash.", position=10)]
    response = client.post(
        song_change_url(published_song), song_form_data(published_song, facts=rows)
    )
    assert response.status_code == 200
    assert "Please correct the duplicate data for position." in response.content.decode()
    assert published_song.facts.count() == 1


def test_it_forbids_moderators_to_change_songs(client, moderator, published_song):
    client.force_login(moderator)
    url = song_change_url(published_song)
    assert client.get(url).status_code == 403
    data = song_form_data(published_song)
    data["title"] = "Zeroes"
    assert client.post(url, data).status_code == 403
    published_song.refresh_from_db()
    assert published_song.title == "Heroes"


@pytest.mark.parametrize(
    "url_name", ["admin:auth_user_changelist", "admin:auth_user_add", "admin:auth_group_changelist"]
)
def test_it_keeps_editors_out_of_user_management(client, editor, url_name):
    client.force_login(editor)
    assert client.get(reverse(url_name)).status_code == 403


def test_it_keeps_user_management_off_the_editors_admin_index(client, editor):
    client.force_login(editor)
    content = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:catalogue_song_changelist") in content
    assert reverse("admin:auth_user_changelist") not in content


def run_action(client, model_name, action, entries):
    return client.post(
        reverse(f"admin:catalogue_{model_name}_changelist"),
        {"action": action, "_selected_action": [entry.pk for entry in entries]},
    )


def test_it_publishes_and_unpublishes_songs_in_bulk(client, editor, draft_song, published_song):
    client.force_login(editor)
    assert run_action(client, "song", "publish", [draft_song]).status_code == 302
    draft_song.refresh_from_db()
    assert draft_song.status == Status.PUBLISHED
    assert draft_song.published_at is not None
    assert Revised.objects.get_for_object(draft_song).get().revision.user == editor

    run_action(client, "song", "unpublish", [draft_song, published_song])
    assert set(Song.objects.values_list("status", flat=True)) == {Status.DRAFT}


def test_it_publishes_and_unpublishes_facts_in_bulk(client, editor, published_song):
    facts = [
        Fact.objects.create(song=published_song, position=n, body=f"Fact {n}.") for n in (1, 2)
    ]
    client.force_login(editor)
    run_action(client, "fact", "publish", facts)
    assert list(Fact.objects.values_list("status", flat=True)) == [Status.PUBLISHED] * 2
    run_action(client, "fact", "unpublish", facts[:1])
    assert list(Fact.objects.values_list("status", flat=True)) == [Status.DRAFT, Status.PUBLISHED]


def test_it_hides_the_publish_actions_from_staff_who_may_not_publish(client, draft_song):
    writer = user_with_permissions("writer", "view_song", "change_song", "view_fact", "change_fact")
    client.force_login(writer)
    for model_name in ("song", "fact"):
        response = client.get(reverse(f"admin:catalogue_{model_name}_changelist"))
        action_form = response.context["action_form"]
        actions = dict(action_form.fields["action"].choices) if action_form else {}
        assert "publish" not in actions
        assert "unpublish" not in actions
    run_action(client, "song", "publish", [draft_song])
    draft_song.refresh_from_db()
    assert draft_song.status == Status.DRAFT


def test_it_keeps_the_status_read_only_for_staff_who_may_not_publish(client, draft_song):
    writer = user_with_permissions(
        "writer", "view_song", "change_song", "view_fact", "change_fact", "add_fact"
    )
    client.force_login(writer)
    data = song_form_data(draft_song, facts=[fact_row(body="A draft fact.")])
    data["status"] = Status.PUBLISHED
    data["title"] = "Finished"
    response = client.post(song_change_url(draft_song), data)
    assert response.status_code == 302
    draft_song.refresh_from_db()
    assert (draft_song.title, draft_song.status) == ("Finished", Status.DRAFT)
    assert draft_song.facts.get().status == Status.DRAFT


def revised(save, *rows):
    """Save the rows in one revision, as an admin save does."""
    with reversion.create_revision():
        for row in rows:
            save(row)


def test_it_reverts_a_fact_to_an_earlier_revision(client, editor, published_song):
    fact = Fact(song=published_song, position=10, body="The *first* telling.")
    revised(Fact.save, fact)
    fact.body = "A worse telling."
    revised(Fact.save, fact)
    first = Revised.objects.get_for_object(fact).order_by("pk").first()
    client.force_login(editor)
    url = reverse("admin:catalogue_fact_revision", args=[fact.pk, first.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "Fact “Fact #10”: changed back (body)" in response.content.decode()

    assert client.post(url).status_code == 302
    fact.refresh_from_db()
    assert fact.body == "The *first* telling."
    assert fact.body_html == render_fact("The *first* telling.")
    assert Revised.objects.get_for_object(fact).count() == 3


def test_it_keeps_the_status_when_a_non_publisher_reverts_a_fact(client, published_song):
    fact = Fact(song=published_song, position=10, body="Told once.", status=Status.PUBLISHED)
    revised(Fact.save, fact)
    fact.status = Status.DRAFT
    fact.body = "Told twice."
    revised(Fact.save, fact)
    writer = user_with_permissions("writer", "view_fact", "change_fact", "view_song")
    client.force_login(writer)
    first = Revised.objects.get_for_object(fact).order_by("pk").first()
    url = reverse("admin:catalogue_fact_revision", args=[fact.pk, first.pk])
    assert "Statuses stay as they are" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    fact.refresh_from_db()
    assert (fact.body, fact.status) == ("Told once.", Status.DRAFT)


def test_it_shows_a_songs_revision_history(client, editor, published_song):
    revised(Song.save, published_song)
    published_song.title = "Heroes (remastered)"
    revised(Song.save, published_song)
    client.force_login(editor)
    response = client.get(reverse("admin:catalogue_song_history", args=[published_song.pk]))
    assert response.status_code == 200
    assert len(response.context["action_list"]) == 2


def test_it_filters_songs_by_decade(client, editor):
    make_song(title="Heroes", release_year=1977)
    make_song(title="Lazarus", release_year=2015)
    client.force_login(editor)
    response = client.get(reverse("admin:catalogue_song_changelist"), {"decade": "1970"})
    assert [song.title for song in response.context["cl"].result_list] == ["Heroes"]


@pytest.mark.parametrize("typed", ["Songs about Berlin", "songs-about-berlin"])
def test_it_filters_songs_by_a_tag_typed_by_name_or_slug(client, editor, typed):
    make_song(title="Heroes").tags.add("Songs about Berlin", "Love songs")
    make_song(title="Lazarus").tags.add("Love songs")
    client.force_login(editor)
    url = reverse("admin:catalogue_song_changelist")
    response = client.get(url, {"tag": typed, "status__exact": "published"})
    assert [song.title for song in response.context["cl"].result_list] == ["Heroes"]
    # The form keeps the other filters and shows the typed tag.
    content = response.content.decode()
    assert '<input type="hidden" name="status__exact" value="published">' in content
    assert f'value="{typed}"' in content


def test_it_answers_an_unknown_decade_with_the_admins_error_page(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:catalogue_song_changelist"), {"decade": "1975"})
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def add_song_with_relations(n):
    """A song with all that a list page could show: artist, album, tags, facts, credits, charts."""
    artist = make_artist()
    album = Album.objects.create(title=f"Album {n}", slug=f"album-{n}", artist=artist)
    song = make_song(artist=artist, album=album, release_year=1970 + n)
    song.tags.add(f"Tag {n}", "Songs about Berlin")
    Fact.objects.create(song=song, position=10, body=f"A story {n}.")
    person = Person.objects.create(name=f"Person {n}", sort_name=f"Person {n}", slug=f"p-{n}")
    role, _ = Role.objects.get_or_create(slug="vocals", defaults={"name": "Vocals"})
    Credit.objects.create(song=song, person=person, role=role)
    chart, _ = Chart.objects.get_or_create(slug="uk", defaults={"name": "UK Singles Chart"})
    ChartEntry.objects.create(song=song, chart=chart, peak_position=n, entry_year=1977)


@pytest.mark.parametrize(
    ("model_name", "expected_queries"),
    [
        # session, user, the user's own and group permissions (2), the chart filter's charts,
        # count, rows with artist and album, the rows' tags
        ("song", 8),
        # session, user, the user's own and group permissions (2), count, rows with their
        # foreign keys
        ("fact", 6),
        ("artist", 6),
        ("album", 6),
        ("person", 6),
    ],
)
def test_it_lists_entries_in_a_constant_number_of_queries(
    client, editor, model_name, expected_queries
):
    client.force_login(editor)
    url = reverse(f"admin:catalogue_{model_name}_changelist")
    add_song_with_relations(1)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url).status_code == 200
    for n in range(2, 22):
        add_song_with_relations(n)
    with CaptureQueriesContext(connection) as many_rows:
        response = client.get(url)
    assert len(response.context["cl"].result_list) == 21
    assert len(many_rows) == len(one_row) == expected_queries, [
        query["sql"] for query in many_rows.captured_queries
    ]


def test_it_opens_the_seeded_song_with_all_its_inlines(client, editor):
    call_command("load_seed")
    heroes = Song.objects.get(artist__slug="david-bowie", slug="heroes")
    client.force_login(editor)
    response = client.get(song_change_url(heroes))
    assert response.status_code == 200
    formsets = {f.formset.prefix: f.formset for f in response.context["inline_admin_formsets"]}
    assert list(formsets) == SONG_INLINES
    assert formsets["facts"].initial_form_count() == heroes.facts.count()
    fact = heroes.facts.get(sources__citation="Q Magazine, April 2007")
    response = client.get(reverse("admin:catalogue_fact_change", args=[fact.pk]))
    assert "Q Magazine, April 2007" in response.content.decode()


def test_a_songs_change_page_shows_its_rows_without_a_query_per_label(
    client, editor, published_song
):
    """Rows show their labels ("person – role", "song by artist (cover of ...)", "chart:
    peak") from their own query. What is left per row is Django's: each autocomplete widget
    looks up its pick, and each chart select lists the charts."""
    client.force_login(editor)
    chart = Chart.objects.create(name="UK Singles Chart", slug="uk")
    role = Role.objects.create(name="Vocals", slug="vocals")

    def add_rows(n):
        for i in range(n):
            person = Person.objects.create(name=f"P {n} {i}", sort_name="P", slug=f"p-{n}-{i}")
            Credit.objects.create(song=published_song, person=person, role=role)
            ChartEntry.objects.create(song=published_song, chart=chart, entry_year=1950 + n + i)
            cover = make_song(title=f"Cover {n} {i}")
            Version.objects.create(original=published_song, version=cover, kind="cover")

    add_rows(1)
    with CaptureQueriesContext(connection) as one_each:
        assert client.get(song_change_url(published_song)).status_code == 200
    add_rows(10)
    with CaptureQueriesContext(connection) as eleven_each:
        response = client.get(song_change_url(published_song))
    assert response.status_code == 200
    assert "Cover 10 9 by Artist" in response.content.decode()

    # Per credit: person and role; per version: the song; per chart entry: the charts.
    assert len(eleven_each) - len(one_each) <= 10 * 4


def test_it_completes_artists_for_the_song_form(client, editor):
    make_artist(name="David Bowie", sort_name="Bowie, David", slug="david-bowie")
    make_artist(name="Neu!", sort_name="Neu!", slug="neu")
    client.force_login(editor)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "catalogue", "model_name": "song", "field_name": "artist", "term": "bow"},
    )
    assert [result["text"] for result in response.json()["results"]] == ["David Bowie"]


def test_it_links_a_song_to_its_page_on_the_site(client, editor, published_song):
    client.force_login(editor)
    content_type = ContentType.objects.get_for_model(Song)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, published_song.pk]))
    assert response.status_code == 302
    assert response.url.endswith(
        reverse(
            "catalogue:song-detail",
            kwargs={"artist_slug": published_song.artist.slug, "slug": published_song.slug},
        )
    )
