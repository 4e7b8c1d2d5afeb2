"""Machine-readable error codes owned by core (each app keeps its own error_codes.py)."""

INVALID_INPUT = "invalid_input"
PARSE_ERROR = "parse_error"
NOT_FOUND = "not_found"
PAYLOAD_TOO_LARGE = "payload_too_large"
SERVER_ERROR = "server_error"
BAD_REQUEST = "bad_request"
PERMISSION_DENIED = "permission_denied"
