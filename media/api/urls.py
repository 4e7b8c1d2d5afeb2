from django.urls import path

from media.api import views

urlpatterns = [
    # The master playlist, then each rendition's playlist and segments, under one token.
    path("play/<str:token>/<str:run>/<str:name>", views.PlaybackView.as_view(), name="media-play"),
    path(
        "play/<str:token>/<str:run>/<str:rendition>/<str:name>",
        views.PlaybackRenditionView.as_view(),
        name="media-play-rendition",
    ),
    path("thumbnails/<str:token>", views.ThumbnailView.as_view(), name="media-thumbnail"),
    path("uploads/<str:token>", views.UploadView.as_view(), name="media-upload"),
]
