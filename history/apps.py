from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "history"
    verbose_name = "History"

    def ready(self):
        from history import signals, versioned

        versioned.register_catalogue()
        signals.connect()
