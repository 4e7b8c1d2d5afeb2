"""API exceptions shared by every app (they all render in the one error envelope)."""

from rest_framework import status
from rest_framework.exceptions import APIException

from . import error_codes


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than this endpoint accepts."
    default_code = error_codes.PAYLOAD_TOO_LARGE


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class Unprocessable(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request is well-formed but cannot be carried out."
    default_code = "unprocessable"
