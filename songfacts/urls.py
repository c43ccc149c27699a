from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from api import data_views
from songfacts import views

handler500 = "songfacts.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("comments/", include("comments.urls")),
    path("search/", include("search.urls")),
    path("api/v1/", include("api.urls")),
    path("data/", data_views.data_page, name="data"),
    path("data/<str:dump>/<str:name>", data_views.download, name="data-download"),
    # The reader pages, the feeds and sitemap.xml; last, since it includes the home page.
    path("", include("catalogue.urls")),
]
