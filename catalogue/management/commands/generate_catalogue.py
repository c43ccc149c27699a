"""Build a large synthetic catalogue for benchmarks: `manage.py generate_catalogue --songs 100000`.

Deterministic for a given --seed. Shapes follow a long tail: most songs have a few facts and
comments, a few have hundreds. Rows go in with PostgreSQL's COPY, ids assigned here so that
foreign keys need no round trips; the sequences are reset at the end. COPY and bulk_create skip
the models' save(), so facts' and comments' HTML is rendered here, as each row is made.
"""

import random
import time
from datetime import UTC, date, datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from taggit.models import Tag, TaggedItem

from catalogue.dates import PartialDate, Precision
from catalogue.markup import render_fact
from catalogue.models import (
    Album,
    Artist,
    Chart,
    ChartEntry,
    Credit,
    Fact,
    Person,
    Role,
    Song,
    Status,
)
from comments.markup import render_comment
from comments.models import Comment

WORDS = [
    "guitar",
    "studio",
    "night",
    "city",
    "summer",
    "love",
    "heart",
    "radio",
    "single",
    "chorus",
    "verse",
    "drums",
    "tour",
    "band",
    "record",
    "label",
    "demo",
    "piano",
    "album",
    "session",
    "producer",
    "lyric",
    "melody",
    "bass",
    "harmony",
    "stage",
    "crowd",
    "festival",
    "television",
    "video",
    "chart",
    "ballad",
    "anthem",
    "rhythm",
    "tape",
    "vinyl",
    "amplifier",
    "microphone",
    "engineer",
    "manager",
    "rehearsal",
    "basement",
    "garage",
    "motel",
    "highway",
    "river",
    "ocean",
    "winter",
    "autumn",
    "spring",
    "morning",
    "midnight",
    "whiskey",
    "coffee",
    "train",
    "airport",
    "hotel",
    "letter",
    "phone",
    "dream",
    "memory",
]
# Words placed in about a fifth of all facts, so that benchmarks can search common words.
COMMON_WORDS = ("recorded", "famous")
RARE_WORDS = [f"zyx{n:04d}" for n in range(2000)]
FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dan",
    "Eve",
    "Finn",
    "Gus",
    "Hana",
    "Ivo",
    "Jude",
    "Kai",
    "Lena",
    "Milo",
    "Nia",
    "Otto",
    "Pia",
    "Rex",
    "Sol",
]
LAST = [
    "Adler",
    "Berg",
    "Cruz",
    "Diaz",
    "Ekberg",
    "Fox",
    "Gray",
    "Holm",
    "Ito",
    "Jansen",
    "Kahn",
    "Lund",
    "Moss",
    "Nash",
    "Ortiz",
]
PLACES = ["London", "Berlin", "Lagos", "Lima", "Oslo", "Austin", "Osaka", "Perth", "Cork", "Quito"]
ROLES = [
    ("Songwriter", "writing"),
    ("Producer", "production"),
    ("Engineer", "production"),
    ("Vocals", "performance"),
    ("Guitar", "performance"),
    ("Bass", "performance"),
    ("Drums", "performance"),
    ("Synthesizer", "performance"),
]
BATCH = 20_000
SHOWCASE_COMMENTS = (50, 500)


class Command(BaseCommand):
    help = "Generate a large, deterministic synthetic catalogue for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--songs", type=int, default=1000)
        parser.add_argument("--facts", type=int, help="total facts (default: 10 per song)")
        parser.add_argument("--comments", type=int, help="total comments (default: 10 per song)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, songs, facts, comments, seed, **options):
        if songs < 1:
            raise CommandError("--songs must be at least 1.")
        facts = songs * 10 if facts is None else facts
        comments = songs * 10 if comments is None else comments
        if facts < 0 or comments < 0:
            raise CommandError("--facts and --comments cannot be negative.")
        started = time.monotonic()
        generator = CatalogueGenerator(random.Random(seed), self.stderr)
        with transaction.atomic():
            generator.run(songs=songs, facts=facts, comments=comments)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        if "search" in {app.label for app in _installed_apps()}:
            call_command("rebuild_search_index", verbosity=0)
        self.stdout.write(
            f"Generated {songs:,} songs, {facts:,} facts and {comments:,} comments "
            f"in {time.monotonic() - started:.0f} s."
        )


def _installed_apps():
    from django.apps import apps

    return apps.get_app_configs()


def reset_sequences():
    generated = [Artist, Album, Song, Fact, Person, Role, Credit, Chart, ChartEntry, Comment]
    sql = connection.ops.sequence_reset_sql(no_style(), [*generated, Tag, TaggedItem])
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def long_tail(rng, count, total, cap):
    """Split `total` over `count` items: most get a few, some get up to `cap`."""
    weights = [min(rng.paretovariate(1.2), 200.0) for _ in range(count)]
    scale = total / sum(weights)
    shares = [min(cap, int(w * scale)) for w in weights]
    # Hand out what rounding and the cap left over, one by one, to random items.
    shortfall = total - sum(shares)
    while shortfall > 0:
        index = rng.randrange(count)
        if shares[index] < cap:
            shares[index] += 1
            shortfall -= 1
    return shares


def report_progress(stream, label, count, done=False, *, total=None, started=None):
    """Show `label: count` on one line of `stream`, written over until `done`.

    Given the `total` and when the work `started` (time.monotonic()), the line also says how
    much is done and estimates the time left at the pace so far. rebuild_search_index uses it.
    """
    line = f"  {label}: {count:,}"
    if total:
        line += f" of {total:,} ({count / total:.0%})"
    if done:
        took = f" in {_duration(time.monotonic() - started)}" if started is not None else ""
        stream.write(f"{line} done{took}".ljust(72))
        return
    if total and started is not None and count:
        pace = (time.monotonic() - started) / count
        line += f", about {_duration(pace * (total - count))} left"
    # Padded, so that a shorter line covers the one before.
    stream.write(line.ljust(72), ending="\r")
    stream.flush()


def _duration(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    if not minutes:
        return f"{seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min {seconds:02d} s"


class Copier:
    """Streams rows into one table with COPY, filling unlisted fields with their defaults.

    PostgreSQL computes generated columns itself.
    """

    def __init__(self, model, progress):
        self.model = model
        self.progress = progress
        self.fields = [
            field
            for field in model._meta.concrete_fields
            if (not isinstance(field, models.AutoField) or field.primary_key)
            and not field.generated
        ]
        self.defaults = {
            field.attname: field.get_default()
            for field in self.fields
            # get_default() gives "" for optional text fields and None for nullable ones.
            if field.has_default() or field.null or (field.blank and field.empty_strings_allowed)
        }
        self.next_id = (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1

    def new_id(self):
        value = self.next_id
        self.next_id += 1
        return value

    def copy(self, rows):
        columns = ", ".join(connection.ops.quote_name(field.column) for field in self.fields)
        table = connection.ops.quote_name(self.model._meta.db_table)
        count = 0
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row([self._value(field, row) for field in self.fields])
                count += 1
                if count % BATCH == 0:
                    self.progress(self.model._meta.verbose_name_plural, count)
        self.progress(self.model._meta.verbose_name_plural, count, done=True)
        return count

    def _value(self, field, row):
        if field.attname in row:
            return row[field.attname]
        if field.attname in self.defaults:
            return self.defaults[field.attname]
        raise CommandError(f"No value for {self.model.__name__}.{field.attname}")


class CatalogueGenerator:
    def __init__(self, rng, stream):
        self.rng = rng
        self.stream = stream
        self.now = datetime(2026, 1, 1, tzinfo=UTC)

    def progress(self, label, count, done=False):
        report_progress(self.stream, label, count, done)

    def copier(self, model):
        return Copier(model, self.progress)

    def sentence(self, words=14):
        rng = self.rng
        text = " ".join(rng.choice(WORDS) for _ in range(words))
        return text[0].upper() + text[1:] + "."

    def fact_body(self):
        rng = self.rng
        sentences = [self.sentence(rng.randint(10, 22)) for _ in range(rng.randint(2, 5))]
        if rng.random() < 0.2:
            sentences.append(f"It was {COMMON_WORDS[0]} in a {COMMON_WORDS[1]} studio.")
        if rng.random() < 0.01:
            sentences.append(f"Known as {rng.choice(RARE_WORDS)} to the band.")
        return " ".join(sentences)

    def name(self):
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def run(self, *, songs, facts, comments):
        rng = self.rng
        artist_count = max(1, songs // 10)
        people_count = max(1, songs // 20)

        artists = self.copier(Artist)
        artist_ids = []

        def artist_rows():
            for n in range(artist_count):
                pk = artists.new_id()
                artist_ids.append(pk)
                name = f"{self.name()} {pk}"
                yield {
                    "id": pk,
                    "name": name,
                    "sort_name": name,
                    "slug": f"gen-artist-{pk}",
                    "kind": "group" if n % 3 == 0 else "person",
                    "active_from": rng.randint(1955, 2020),
                    "created_at": self.now,
                    "updated_at": self.now,
                }

        artists.copy(artist_rows())

        albums = self.copier(Album)
        album_ids = {}

        def album_rows():
            for artist_id in artist_ids:
                for _ in range(rng.randint(1, 3)):
                    pk = albums.new_id()
                    album_ids.setdefault(artist_id, []).append(pk)
                    yield {
                        "id": pk,
                        "title": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()}",
                        "slug": f"gen-album-{pk}",
                        "artist_id": artist_id,
                        "release_date": date(rng.randint(1960, 2025), 1, 1),
                        "release_date_precision": Precision.YEAR,
                        "label": f"{rng.choice(LAST)} Records",
                        "created_at": self.now,
                        "updated_at": self.now,
                    }

        albums.copy(album_rows())

        song_copier = self.copier(Song)
        song_ids = []

        def song_rows():
            for n in range(songs):
                pk = song_copier.new_id()
                song_ids.append(pk)
                artist_id = rng.choice(artist_ids)
                year = rng.randint(1955, 2025)
                published = self.now - timedelta(minutes=n)
                yield {
                    "id": pk,
                    "title": f"{rng.choice(WORDS).title()} {rng.choice(WORDS).title()} {pk}",
                    "slug": f"gen-song-{pk}",
                    "artist_id": artist_id,
                    "album_id": rng.choice(album_ids[artist_id]),
                    "track_number": rng.randint(1, 12),
                    "release_date": date(year, 1, 1),
                    "release_date_precision": Precision.YEAR,
                    "length": timedelta(seconds=rng.randint(120, 420)),
                    "status": Status.PUBLISHED if rng.random() < 0.97 else Status.DRAFT,
                    "published_at": published,
                    "created_at": published,
                    "updated_at": published,
                }

        song_copier.copy(song_rows())

        fact_copier = self.copier(Fact)

        def fact_rows():
            for song_id, count in zip(song_ids, long_tail(rng, songs, facts, 500), strict=True):
                for position in range(1, count + 1):
                    credited = rng.random() < 0.3
                    row = {
                        "id": fact_copier.new_id(),
                        "song_id": song_id,
                        "position": position,
                        "body": self.fact_body(),
                        "standing": "verified",
                        "status": Status.PUBLISHED,
                        "suggested_by_name": self.name() if credited else "",
                        "suggested_by_place": rng.choice(PLACES) if credited else "",
                        "created_at": self.now - timedelta(seconds=rng.randint(0, 10**8)),
                        "updated_at": self.now,
                    }
                    row["body_html"] = render_fact(row["body"])
                    yield row

        fact_copier.copy(fact_rows())

        self.credits_and_charts(song_ids, people_count)
        self.tags(song_ids)
        self.comments(song_ids, comments)
        reset_sequences()
        self.showcase(artist_ids[0])

    def showcase(self, artist_id):
        """Two songs of fixed shape that the benchmark requests by URL.

        Each has 20 facts, 8 credits and 8 chart entries; one has 50 comments, the other 500.
        """
        rng = self.rng
        artist = Artist.objects.get(pk=artist_id)
        roles = list(Role.objects.all()[:8])
        people = list(Person.objects.order_by("pk")[:8])
        charts = list(Chart.objects.order_by("pk")[:8])
        for comment_count in SHOWCASE_COMMENTS:
            song = Song.objects.create(
                title=f"Showcase with {comment_count} comments",
                slug=f"showcase-{comment_count}-comments",
                artist=artist,
                released=PartialDate.of_year(1977),
                status=Status.PUBLISHED,
            )
            facts = [
                Fact(song=song, position=n, body=self.fact_body(), status=Status.PUBLISHED)
                for n in range(1, 21)
            ]
            for fact in facts:
                fact.body_html = render_fact(fact.body)
            Fact.objects.bulk_create(facts)
            Credit.objects.bulk_create(
                Credit(song=song, person=person, role=role)
                for person, role in zip(people, roles, strict=True)
            )
            ChartEntry.objects.bulk_create(
                ChartEntry(
                    song=song,
                    chart=chart,
                    peak_position=rng.randint(1, 40),
                    entered=PartialDate.of_year(1977),
                )
                for chart in charts
            )
            comments = [
                Comment(
                    song=song,
                    author_name=rng.choice(FIRST),
                    author_place=rng.choice(PLACES),
                    body=self.sentence(rng.randint(8, 60)),
                    created_at=self.now - timedelta(minutes=n),
                )
                for n in range(comment_count)
            ]
            for comment in comments:
                comment.body_html = render_comment(comment.body)
            Comment.objects.bulk_create(comments)

    def credits_and_charts(self, song_ids, people_count):
        rng = self.rng
        people = self.copier(Person)
        person_ids = [people.next_id + n for n in range(people_count)]
        people.copy(
            {
                "id": pk,
                "name": f"{self.name()} {pk}",
                "sort_name": f"Person {pk}",
                "slug": f"gen-person-{pk}",
                "created_at": self.now,
                "updated_at": self.now,
            }
            for pk in person_ids
        )
        role_ids = []
        for position, (name, group) in enumerate(ROLES):
            role, _ = Role.objects.get_or_create(
                name=name, defaults={"slug": name.lower(), "group": group, "position": position}
            )
            role_ids.append(role.pk)
        credits = self.copier(Credit)

        def credit_rows():
            for song_id in song_ids:
                for person_id, role_id in {
                    (rng.choice(person_ids), rng.choice(role_ids)) for _ in range(rng.randint(1, 8))
                }:
                    yield {
                        "id": credits.new_id(),
                        "song_id": song_id,
                        "person_id": person_id,
                        "role_id": role_id,
                    }

        credits.copy(credit_rows())
        chart_ids = []
        for n in range(50):
            chart, _ = Chart.objects.get_or_create(
                slug=f"gen-chart-{n}", defaults={"name": f"Chart {n}", "position": n}
            )
            chart_ids.append(chart.pk)
        entries = self.copier(ChartEntry)

        def entry_rows():
            for song_id in song_ids:
                if rng.random() < 0.6:
                    continue
                for chart_id in rng.sample(chart_ids, rng.randint(1, 8)):
                    charted = rng.random() < 0.9
                    yield {
                        "id": entries.new_id(),
                        "song_id": song_id,
                        "chart_id": chart_id,
                        "peak_position": rng.randint(1, 100) if charted else None,
                        "entry_date": date(rng.randint(1960, 2025), 1, 1),
                        "entry_date_precision": Precision.YEAR,
                        "weeks_on_chart": rng.randint(1, 40) if charted else None,
                    }

        entries.copy(entry_rows())

    def tags(self, song_ids):
        rng = self.rng
        tag_copier = self.copier(Tag)
        tag_ids = [tag_copier.next_id + n for n in range(max(10, len(song_ids) // 50))]
        tag_copier.copy(
            {"id": pk, "name": f"Songs about {rng.choice(WORDS)} {pk}", "slug": f"gen-tag-{pk}"}
            for pk in tag_ids
        )
        content_type_id = ContentType.objects.get_for_model(Song).pk
        items = self.copier(TaggedItem)

        def item_rows():
            for song_id in song_ids:
                # A few popular tags and a long tail, as on real sites.
                count = rng.randint(0, 4)
                chosen = {tag_ids[int(len(tag_ids) * rng.random() ** 3)] for _ in range(count)}
                for tag_id in chosen:
                    yield {
                        "id": items.new_id(),
                        "tag_id": tag_id,
                        "content_type_id": content_type_id,
                        "object_id": song_id,
                    }

        items.copy(item_rows())

    def comments(self, song_ids, total):
        rng = self.rng
        copier = self.copier(Comment)

        def comment_rows():
            shares = long_tail(rng, len(song_ids), total, 2000)
            for song_id, count in zip(song_ids, shares, strict=True):
                parents = []
                for n in range(count):
                    pk = copier.new_id()
                    is_reply = parents and rng.random() < 0.15
                    row = {
                        "id": pk,
                        "song_id": song_id,
                        "parent_id": rng.choice(parents) if is_reply else None,
                        "author_name": rng.choice(FIRST),
                        "author_place": rng.choice(PLACES),
                        "author_email": "",
                        "body": self.sentence(rng.randint(8, 60)),
                        "status": "published" if rng.random() < 0.98 else "pending",
                        "created_at": self.now - timedelta(minutes=(count - n) * 7),
                    }
                    row["body_html"] = render_comment(row["body"])
                    yield row
                    if not is_reply:
                        parents.append(pk)

        copier.copy(comment_rows())
