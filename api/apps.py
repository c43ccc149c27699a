from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Open API"

    def ready(self):
        # The change feed records every write that readers of the API see (api.changes).
        from api import changes

        changes.register_all()
