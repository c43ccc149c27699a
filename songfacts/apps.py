from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class SongfactsConfig(AppConfig):
    name = "songfacts"
    verbose_name = "Songfacts site"

    def ready(self):
        from songfacts import page_cache

        post_save.connect(page_cache.on_content_saved, dispatch_uid="page-cache-save")
        post_delete.connect(page_cache.on_content_deleted, dispatch_uid="page-cache-delete")
        m2m_changed.connect(page_cache.on_m2m_changed, dispatch_uid="page-cache-m2m")
