from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.selectors import dependencies_check


class HealthzOutputSerializer(serializers.Serializer):
    status = serializers.CharField()


class ReadyzDependencyOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    ok = serializers.BooleanField()
    error = serializers.CharField(allow_null=True)


class ReadyzOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ready", "unavailable"])
    dependencies = ReadyzDependencyOutputSerializer(many=True)


class HealthzView(APIView):
    """Liveness: the process is up. Touches nothing else."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    @extend_schema(tags=["health checks"], responses={200: HealthzOutputSerializer}, auth=[])
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class ReadyzView(APIView):
    """Readiness: database, cache and broker reachable; 503 names the one that failed."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    @extend_schema(
        tags=["health checks"],
        responses={200: ReadyzOutputSerializer, 503: ReadyzOutputSerializer},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        results = dependencies_check()
        ready = all(result.ok for result in results)
        body = {
            "status": "ready" if ready else "unavailable",
            "dependencies": [{"name": r.name, "ok": r.ok, "error": r.error} for r in results],
        }
        return Response(body, status=status.HTTP_200_OK if ready else 503)


class BaselineView(APIView):
    """A constant small answer behind the same authentication as every API call.

    It exists for ``make bench``: other figures are read as ratios to it.
    """

    @extend_schema(
        tags=["health checks"],
        responses={200: inline_serializer("BaselineOutput", {"ok": serializers.BooleanField()})},
    )
    def get(self, request: Request) -> Response:
        return Response({"ok": True})
