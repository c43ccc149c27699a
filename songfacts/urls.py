from django.contrib import admin
from django.urls import path

from songfacts import views

handler500 = "songfacts.views.server_error"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("admin/", admin.site.urls),
]
