from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from songfacts.management.postgres_tools import run_tool


class Command(BaseCommand):
    help = "Write a compressed backup of the database (pg_dump's custom format) to a file."

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="where to write it (default: backups/songfacts-<UTC time>.dump)",
        )

    def handle(self, *args, path, **options):
        if path is None:
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            path = Path(settings.BASE_DIR) / "backups" / f"songfacts-{stamp}.dump"
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        result = run_tool("pg_dump", "--format=custom", "--no-owner", f"--file={path}")
        if result.returncode != 0:
            path.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        self.stdout.write(f"Backed up to {path} ({path.stat().st_size:,} bytes).")
