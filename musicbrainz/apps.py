from django.apps import AppConfig


class MusicBrainzConfig(AppConfig):
    name = "musicbrainz"
    verbose_name = "MusicBrainz"
