"""/data/: the latest dump to download, with schema.org Dataset markup (api.data_views)."""

import io
import json
import re

import pytest
from django.core.management import call_command

from api import dumps
from tests.conftest import make_song

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dump_root(settings, tmp_path):
    settings.DATA_DUMP_ROOT = tmp_path
    settings.PAGE_CACHE_SECONDS = 0
    return tmp_path


def json_ld(content):
    (block,) = re.findall(rb'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    return json.loads(block)


def dump():
    call_command("export_dump", verbosity=0, stdout=io.StringIO())


def test_without_a_dump_the_page_says_so(client):
    response = client.get("/data/")
    assert response.status_code == 200
    assert b"No dump yet" in response.content
    dataset = json_ld(response.content)
    assert dataset["@type"] == "Dataset"
    assert dataset["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert "distribution" not in dataset
    assert b'href="/api/v1/changes/"' in response.content


def test_the_page_lists_the_latest_dump_with_its_digests(client, _dump_root):
    make_song(title="Heroes")
    dump()
    (older,) = _dump_root.iterdir()
    older.rename(_dump_root / "2020-01-01T000000Z")
    make_song(title="Ashes to Ashes")
    dump()
    (_dump_root / "2999-01-01T000000Z.partial").mkdir()  # being written: not offered
    latest = max(p for p in _dump_root.iterdir() if not p.name.endswith(".partial"))
    package = json.loads((latest / dumps.DATAPACKAGE).read_text())

    response = client.get("/data/")
    assert response.status_code == 200
    content = response.content.decode()
    for line in (latest / dumps.SUMS).read_text().splitlines():
        digest, name = line.split("  ")
        assert digest in content
        assert f'href="/data/{latest.name}/{name}"' in content
    assert "2020-01-01T000000Z" not in content
    assert f"?after={package['feed_cursor']}" in content
    assert "Creative Commons Attribution-ShareAlike 4.0 International" in content

    dataset = json_ld(response.content)
    assert dataset["dateModified"] == package["created"]
    downloads = {d["name"]: d for d in dataset["distribution"]}
    songs = downloads["songs.jsonl.gz"]
    assert songs["@type"] == "DataDownload"
    assert songs["contentUrl"] == f"http://testserver/data/{latest.name}/songs.jsonl.gz"
    assert songs["encodingFormat"] == "application/gzip"
    assert downloads["datapackage.json"]["encodingFormat"] == "application/json"


def test_the_listed_files_download_and_nothing_else(client, _dump_root):
    make_song()
    dump()
    (folder,) = _dump_root.iterdir()
    (folder / "notes.txt").write_text("not part of the dump")
    for name in [*(dumps.data_file(kind) for kind in ("songs", "comments")), dumps.SUMS]:
        response = client.get(f"/data/{folder.name}/{name}")
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == (folder / name).read_bytes()
    assert client.get(f"/data/{folder.name}/songs.jsonl.gz")["Content-Type"] == "application/gzip"
    for path in (
        f"/data/{folder.name}/notes.txt",
        f"/data/{folder.name}/..%2Fsettings.py",
        "/data/2001-01-01T000000Z/songs.jsonl.gz",
        f"/data/{folder.name}.partial/songs.jsonl.gz",
    ):
        assert client.get(path).status_code == 404, path


def test_every_page_links_to_the_data(client):
    assert b'href="/data/"' in client.get("/").content
