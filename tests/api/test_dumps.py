"""Data dumps (api.dumps): the same database gives the same bytes, an import answers as the
source did, a damaged or malformed dump changes nothing, and nothing hidden gets out."""

import gzip
import io
import json
import shutil
import subprocess
import time

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from api import dumps
from api.kinds import KINDS
from catalogue.models import Fact, Isrc, Song, Status
from comments.models import Comment, FactSuggestion
from tests.conftest import make_song

pytestmark = pytest.mark.django_db

EMAIL = "secret-address@example.org"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # The same address must answer from the database each time, before and after a load.
    settings.PAGE_CACHE_SECONDS = 0


def export(directory):
    call_command("export_dump", str(directory), verbosity=0, stdout=io.StringIO())
    return json.loads((directory / dumps.DATAPACKAGE).read_text())


def empty_the_catalogue():
    """Every row of the catalogue, comments, tags, search index and feed goes (a fresh
    database, within the test's transaction)."""
    labels = {"catalogue", "comments", "taggit", "search", "api"}
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in labels and not model._meta.proxy
    ]
    with connection.cursor() as cursor:
        # Deferred foreign keys of rows written in this transaction are checked first.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"TRUNCATE {', '.join(sorted(set(tables)))} CASCADE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def api_answers(client, *, sample=1):
    """Every list page of every kind (following `next`), and each `sample`-th row's
    detail: {path: bytes}."""
    answers = {}
    for kind in KINDS:
        path = f"/api/v1/{kind}/?page_size=100"
        ids = []
        while path:
            response = client.get(path)
            assert response.status_code == 200, (path, response.content[:200])
            answers[path] = response.content
            page = response.json()
            ids += [row["id"] for row in page["results"]]
            path = page["next"] and page["next"].removeprefix("http://127.0.0.1:8000")
        for pk in ids[::sample]:
            detail = f"/api/v1/{kind}/{pk}/"
            answers[detail] = client.get(detail).content
    return answers


def lines_of(directory, kind):
    with gzip.open(directory / dumps.data_file(kind), "rt") as file:
        return file.read().splitlines()


def test_the_same_database_gives_the_same_bytes_and_sha256sum_checks_them(tmp_path):
    call_command("load_seed", verbosity=0)
    first = export(tmp_path / "first")
    export(tmp_path / "second")
    for path in (tmp_path / "first").iterdir():
        assert path.read_bytes() == (tmp_path / "second" / path.name).read_bytes(), path.name
    checked = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "first", capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert sorted(r["name"] for r in first["resources"]) == sorted(KINDS)


def test_the_data_package_describes_each_file(tmp_path, settings):
    settings.DATA_LICENSE = "CC0-1.0"
    call_command("load_seed", verbosity=0)
    package = export(tmp_path)
    assert package["licenses"] == [
        {
            "name": "CC0-1.0",
            "title": "Creative Commons Zero v1.0 Universal",
            "path": "https://creativecommons.org/publicdomain/zero/1.0/",
        }
    ]
    assert "CC0-1.0" in (tmp_path / dumps.LICENSE).read_text()
    songs = next(r for r in package["resources"] if r["name"] == "songs")
    raw = (tmp_path / "songs.jsonl.gz").read_bytes()
    assert songs["bytes"] == len(raw)
    assert songs["hash"] == "sha256:" + __import__("hashlib").sha256(raw).hexdigest()
    assert (songs["format"], songs["compression"], songs["path"]) == (
        "jsonl",
        "gz",
        "songs.jsonl.gz",
    )
    fields = {f["name"]: f for f in songs["schema"]["fields"]}
    assert fields["title"]["type"] == "string"
    assert fields["id"]["type"] == "integer"
    assert fields["facts"]["type"] == "array"
    assert fields["artist"]["type"] == "object"
    assert fields["published_at"]["type"] == "datetime"
    assert fields["url"]["format"] == "uri"
    assert songs["rows"] == Song.objects.published().count() == len(lines_of(tmp_path, "songs"))
    # The gzip header names no file and no time.
    assert raw[4:8] == b"\0\0\0\0" and raw[3] & 0x08 == 0


def test_each_line_is_the_api_detail_with_its_keys_sorted(tmp_path, client):
    call_command("load_seed", verbosity=0)
    export(tmp_path)
    for kind in KINDS:
        ids = []
        for line in lines_of(tmp_path, kind):
            row = json.loads(line)
            assert list(row) == sorted(row)
            assert row == client.get(f"/api/v1/{kind}/{row['id']}/").json()
            ids.append(row["id"])
        assert ids == sorted(ids)


def test_an_import_of_the_seed_answers_as_the_source_did(tmp_path, client):
    call_command("load_seed", verbosity=0)
    # With the identifiers the seed does not have yet.
    heroes = Song.objects.get(slug="heroes", artist__slug="david-bowie")
    heroes.musicbrainz_work_id = "5a3ea3c1-4f5c-3a1b-9a9f-7a4b4f8a2d11"
    heroes.iswc = "T-034.524.680-1"
    heroes.save()
    Isrc.objects.create(song=heroes, code="GBAJE7700027")
    before = api_answers(client)
    assert json.loads(before[f"/api/v1/songs/{heroes.pk}/"])["isrcs"] == ["GBAJE7700027"]
    export(tmp_path)
    empty_the_catalogue()
    out = io.StringIO()
    call_command("import_dump", str(tmp_path), verbosity=0, stdout=out)
    assert "Loaded" in out.getvalue()
    after = api_answers(client)
    assert after.keys() == before.keys()
    for path, content in before.items():
        assert after[path] == content, path
    # New rows take ids after the loaded ones.
    assert make_song().pk > max(
        Song.objects.exclude(title__startswith="Song ").values_list("pk", flat=True)
    )


def test_an_import_of_a_generated_catalogue_answers_as_the_source_did(tmp_path, client):
    call_command(
        "generate_catalogue", songs=2000, facts=2000, comments=2000, seed=1, stdout=io.StringIO(),
        stderr=io.StringIO(),
    )  # fmt: skip
    # Every list page, and every 40th row's detail of each kind (the seed's test reads
    # every detail; a second dump of 2,000 songs would double the test's time).
    before = api_answers(client, sample=40)
    started = time.monotonic()
    package = export(tmp_path)
    exported = time.monotonic() - started
    empty_the_catalogue()
    started = time.monotonic()
    call_command("import_dump", str(tmp_path), verbosity=0, stdout=io.StringIO())
    imported = time.monotonic() - started
    after = api_answers(client, sample=40)
    assert after.keys() == before.keys()
    assert [path for path in before if after[path] != before[path]] == []
    size = sum(resource["bytes"] for resource in package["resources"])
    print(f"2,000 songs: export {exported:.1f} s, {size:,} bytes; import {imported:.1f} s")


def test_an_import_refuses_a_catalogue_with_rows(tmp_path):
    call_command("load_seed", verbosity=0)
    export(tmp_path)
    with pytest.raises(CommandError, match="has rows already"):
        call_command("import_dump", str(tmp_path), verbosity=0)


@pytest.fixture
def seed_dump(tmp_path):
    call_command("load_seed", verbosity=0)
    export(tmp_path)
    empty_the_catalogue()
    return tmp_path


def rewrite(directory, kind, lines):
    """Replace a kind's file and its digest, as someone making a malformed dump would."""
    path = directory / dumps.data_file(kind)
    with gzip.open(path, "wt") as file:
        file.write("".join(line + "\n" for line in lines))
    package = json.loads((directory / dumps.DATAPACKAGE).read_text())
    (directory / dumps.DATAPACKAGE).write_text(json.dumps(package))
    sums = "".join(
        f"{dumps._sha256(directory / name)}  {name}\n"
        for name in [*(dumps.data_file(k) for k in KINDS), dumps.DATAPACKAGE, dumps.LICENSE]
    )
    (directory / dumps.SUMS).write_text(sums)


def assert_refused(directory, match):
    with pytest.raises(CommandError, match=match):
        call_command("import_dump", str(directory), verbosity=0)
    assert dumps.catalogue_is_empty()


def test_a_changed_file_is_refused_by_name_and_nothing_is_written(seed_dump):
    path = seed_dump / "songs.jsonl.gz"
    data = bytearray(path.read_bytes())
    data[40] ^= 0xFF
    path.write_bytes(bytes(data))
    assert_refused(seed_dump, "songs.jsonl.gz does not match")


def test_a_truncated_or_missing_file_is_refused(seed_dump):
    path = seed_dump / "comments.jsonl.gz"
    path.write_bytes(path.read_bytes()[:100])
    assert_refused(seed_dump, "comments.jsonl.gz does not match")
    path.unlink()
    assert_refused(seed_dump, "comments.jsonl.gz is listed in SHA256SUMS but missing")
    (seed_dump / "SHA256SUMS").unlink()
    assert_refused(seed_dump, "SHA256SUMS is missing")


def test_a_bad_json_line_is_refused(seed_dump):
    lines = lines_of(seed_dump, "artists")
    rewrite(seed_dump, "artists", [*lines[:2], "{not json", *lines[2:]])
    assert_refused(seed_dump, "artists.jsonl.gz, line 3")


def test_a_resource_without_a_field_is_refused(seed_dump):
    lines = lines_of(seed_dump, "songs")
    song = json.loads(lines[0])
    del song["facts"]
    rewrite(seed_dump, "songs", [json.dumps(song), *lines[1:]])
    assert_refused(seed_dump, "has no 'facts'")
    song = json.loads(lines[0])
    song["credits"][0]["role"] = None
    rewrite(seed_dump, "songs", [json.dumps(song), *lines[1:]])
    assert_refused(seed_dump, "lacks a field or has a bad value")


def test_an_unknown_kind_is_refused(seed_dump):
    package = json.loads((seed_dump / dumps.DATAPACKAGE).read_text())
    package["resources"][0]["name"] = "lyrics"
    (seed_dump / dumps.DATAPACKAGE).write_text(json.dumps(package))
    sums = (seed_dump / dumps.SUMS).read_text().splitlines()
    sums = [
        f"{dumps._sha256(seed_dump / dumps.DATAPACKAGE)}  {dumps.DATAPACKAGE}"
        if line.endswith(dumps.DATAPACKAGE)
        else line
        for line in sums
    ]
    (seed_dump / dumps.SUMS).write_text("\n".join(sums) + "\n")
    assert_refused(seed_dump, "a kind the API does not have: 'lyrics'")


def test_nothing_hidden_gets_into_a_dump(tmp_path):
    song = make_song(title="Published One")
    make_song(title="Secret Draft Title", status=Status.DRAFT)
    Fact.objects.create(song=song, body="Draft fact words", status=Status.DRAFT)
    for status in (Comment.Status.PENDING, Comment.Status.REMOVED, Comment.Status.SPAM):
        Comment.objects.create(
            song=song, author_name="Hidden", body=f"{status} comment words", status=status
        )
    Comment.objects.create(song=song, author_name="Shown", body="Hello", author_email=EMAIL)
    FactSuggestion.objects.create(song=song, body="Suggested fact words", author_name="Bo")
    export(tmp_path)
    everything = (
        "".join("\n".join(lines_of(tmp_path, kind)) for kind in KINDS)
        + (tmp_path / dumps.DATAPACKAGE).read_text()
    )
    assert "Published One" in everything and "Hello" in everything
    for hidden in (
        "Secret Draft Title", "Draft fact words", "pending comment words",
        "removed comment words", "spam comment words", EMAIL, "Suggested fact words",
        "notify_replies", "submission_key", "search_document", "author_email",
    ):  # fmt: skip
        assert hidden not in everything, hidden


def test_export_without_a_folder_writes_a_new_one_in_the_dump_root(tmp_path, settings):
    settings.DATA_DUMP_ROOT = tmp_path
    make_song()
    call_command("export_dump", verbosity=0, stdout=io.StringIO())
    (folder,) = tmp_path.iterdir()
    assert not folder.name.endswith(".partial")
    assert (folder / dumps.SUMS).is_file()
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_dump", str(folder), verbosity=0)
    shutil.rmtree(folder)


@pytest.mark.django_db(transaction=True)
def test_the_feed_goes_on_from_the_cursor_the_dump_was_taken_at(tmp_path, client):
    before = make_song()
    package = export(tmp_path)
    assert package["created"]
    assert before.title in "\n".join(lines_of(tmp_path, "songs"))
    after = make_song()
    page = client.get(f"/api/v1/changes/?after={package['feed_cursor']}").json()
    assert [(e["kind"], e["id"]) for e in page["results"]] == [
        ("songs", after.pk),
        ("artists", after.artist_id),
    ]
    assert package["feed_url"].endswith(f"/api/v1/changes/?after={package['feed_cursor']}")
