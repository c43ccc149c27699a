"""The benchmark's writers fill in the site's real forms as a browser would (bench/workload.py)."""

import os
from collections import Counter

import pytest

from bench import workload
from catalogue.models import Fact, Status
from comments.models import Comment
from tests.conftest import make_song

pytestmark = pytest.mark.django_db


def _post_data(form):
    data = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    return data


def test_a_comment_posted_through_the_song_pages_form(client):
    song = make_song(title="Heroes", slug="heroes")
    form = workload.find_form(client.get(song.get_absolute_url()).content.decode(), "comment-form")
    workload.set_field(form, "author_name", "Bench Reader")
    workload.set_field(form, "body", "Benchmark comment 1.")
    response = client.post(form["action"], _post_data(form), REMOTE_ADDR="127.1.2.3")
    assert response.status_code == 302
    assert Comment.objects.get(song=song).body == "Benchmark comment 1."


def test_a_fact_edited_through_the_admin(client, editor):
    song = make_song(title="Heroes", slug="heroes")
    fact = Fact.objects.create(song=song, body="Bowie wrote it.", status=Status.PUBLISHED)
    client.force_login(editor)
    path = f"/admin/catalogue/fact/{fact.pk}/change/"
    form = workload.find_form(client.get(path).content.decode(), "fact_form")
    assert workload.field(form, "body") == "Bowie wrote it."
    workload.set_field(form, "body", "Bowie wrote it. (edited 1)")
    workload.set_field(form, "_save", "Save")
    assert client.post(path, _post_data(form)).status_code == 302
    fact.refresh_from_db()
    assert (fact.body, fact.status) == ("Bowie wrote it. (edited 1)", Status.PUBLISHED)


def test_requests_are_drawn_by_popularity():
    paths = [f"/songs/a/{n}/" for n in range(1000)]
    name = workload.write_paths(paths, 100_000)
    try:
        with open(name) as drawn:
            counts = Counter(line.strip() for line in drawn)
    finally:
        os.unlink(name)
    harmonic = sum(1 / rank for rank in range(1, 1001))
    assert counts[paths[0]] / 100_000 == pytest.approx(1 / harmonic, rel=0.05)
    assert counts[paths[0]] / counts[paths[9]] == pytest.approx(10, rel=0.2)
