from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from songfacts.management.postgres_tools import run_tool


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by backup_database."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--yes", action="store_true", help="don't ask before replacing the data"
        )

    def handle(self, *args, path, yes, **options):
        if not Path(path).is_file():
            raise CommandError(f"No backup file at {path}.")
        if not yes and input("This replaces every row in the database. Type 'yes': ") != "yes":
            raise CommandError("Restore cancelled.")
        # pg_restore drops the tables: our own idle connection must not hold them.
        connections.close_all()
        result = run_tool(
            "pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", path
        )
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        self.stdout.write(f"Restored from {path}.")
