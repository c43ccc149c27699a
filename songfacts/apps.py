from django.apps import AppConfig


class SongfactsConfig(AppConfig):
    name = "songfacts"
    verbose_name = "Songfacts site"
