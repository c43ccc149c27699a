"""rebuild_search_index says how far it is and how long it has left, and rebuilds some kinds."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from search.models import SearchDocument
from tests.conftest import make_song
from tests.search.conftest import make_comment, make_fact

pytestmark = pytest.mark.django_db
Kind = SearchDocument.Kind


def rebuild(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("rebuild_search_index", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_it_shows_each_kind_with_its_share_done_and_the_time_left(committed):
    with committed():
        song = make_song(title="Heroes")
        for n in range(4):
            make_fact(song, body=f"Story {n}.")
        make_comment(song)
    out, err = rebuild("--batch-size=1")
    lines = err.replace("\r", "\n").splitlines()
    assert "  facts: 1 of 4 (25%), about 0 s left" in [line.rstrip() for line in lines]
    for label, count in [
        ("songs", 1),
        ("facts", 4),
        ("comments", 1),
        ("artists", 1),
        ("albums", 0),
        ("people", 0),
    ]:
        total = f" of {count:,} (100%)" if count else ""
        assert any(line.startswith(f"  {label}: {count}{total} done in ") for line in lines)
    assert any(line.startswith("  text-search indexes: built in ") for line in lines)
    assert out.startswith("7 documents in ")


def test_it_estimates_the_time_left_at_the_pace_so_far(monkeypatch):
    from catalogue.management.commands import generate_catalogue

    clock = iter([100.0, 130.0])
    monkeypatch.setattr(generate_catalogue.time, "monotonic", lambda: next(clock))
    written = io.StringIO()
    stream = OutputWrapper(written)
    generate_catalogue.report_progress(stream, "facts", 250_000, total=1_000_000, started=70.0)
    generate_catalogue.report_progress(
        stream, "facts", 1_000_000, True, total=1_000_000, started=70
    )
    first, second = written.getvalue().split("\r")
    assert first.rstrip() == "  facts: 250,000 of 1,000,000 (25%), about 1 min 30 s left"
    assert second.rstrip() == "  facts: 1,000,000 of 1,000,000 (100%) done in 1 min 00 s"


def test_it_rebuilds_some_kinds_alone_and_keeps_the_others(committed):
    with committed():
        song = make_song(title="Heroes")
        fact = make_fact(song)
        comment = make_comment(song, body="Loud.")
    SearchDocument.objects.filter(kind=Kind.COMMENT).delete()
    SearchDocument.objects.filter(kind=Kind.FACT).update(title="Kept as it was")
    with committed():
        _, err = rebuild("--kind=comment")
    assert "comments: 1 of 1 (100%) done" in err
    assert "facts" not in err and "indexes" not in err
    assert SearchDocument.objects.get(kind=Kind.COMMENT).object_id == comment.pk
    assert SearchDocument.objects.get(kind=Kind.FACT, object_id=fact.pk).title == "Kept as it was"


def test_generate_catalogue_shows_the_rebuild_going(capsys):
    call_command("generate_catalogue", "--songs=160", "--facts=300", "--comments=300", "--seed=3")
    err = capsys.readouterr().err
    assert "  facts: 340 of 340 (100%) done in " in err
    assert "  comments: " in err and "text-search indexes: built in " in err
    assert SearchDocument.objects.filter(kind=Kind.COMMENT).exists()
