"""A test-only URLconf: the real routes plus views that fail on purpose."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import urlpatterns as real_urlpatterns


class ExplodingAPIView(APIView):
    permission_classes = ()

    def get(self, request: Request) -> Response:
        raise RuntimeError("secret internals: password=hunter2")


def exploding_django_view(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: password=hunter2")


urlpatterns = [
    path("api/test/explode", ExplodingAPIView.as_view()),
    path("test/explode", exploding_django_view),
    *real_urlpatterns,
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
