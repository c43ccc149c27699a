from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("<int:pk>/", views.comment_permalink, name="comment-permalink"),
    path("songs/<int:song_pk>/", views.comment_create, name="comment-create"),
    path("songs/<int:song_pk>/suggest/", views.suggestion_create, name="suggestion-create"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
