"""Machine-readable error codes of the billing app (``errors[].code`` in the envelope)."""

from django.db.models import TextChoices

PROVIDER_UNAVAILABLE = "provider_unavailable"
UNKNOWN_PRICE = "unknown_price"
CURRENCY_MISMATCH = "currency_mismatch"
PRICE_NOT_FOR_THIS = "price_not_for_this"
ALREADY_SUBSCRIBED = "already_subscribed"
ALREADY_PURCHASED = "already_purchased"
NOT_CHANGEABLE = "subscription_not_changeable"
NOT_RESUMABLE = "subscription_not_resumable"
PROVIDER_MANAGED = "managed_by_store"
DEFAULT_METHOD_IN_USE = "default_payment_method_in_use"
IDEMPOTENCY_KEY_REQUIRED = "idempotency_key_required"
IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
IDEMPOTENCY_IN_PROGRESS = "idempotency_request_in_progress"
INVALID_SIGNATURE = "invalid_signature"
INVALID_PAYLOAD = "invalid_payload"
VERIFICATION_FAILED = "verification_failed"
WRONG_APP = "wrong_app"
WRONG_ENVIRONMENT = "wrong_environment"
UNKNOWN_PRODUCT = "unknown_product"
PRODUCT_MISMATCH = "product_mismatch"
PURCHASE_PENDING = "purchase_pending"  # Google Play: bought, not paid yet (cash, slow methods)
PURCHASE_CLAIMED = "purchase_claimed_by_another_user"
STRIPE_REFUSED = "stripe_invalid_request"
CARD_DECLINED = "card_declined"
NOT_REFUNDABLE = "not_refundable"  # the admin refund action


class ErrorCode400BillingEnum(TextChoices):
    IDEMPOTENCY_KEY_REQUIRED = IDEMPOTENCY_KEY_REQUIRED
    UNKNOWN_PRICE = UNKNOWN_PRICE
    CURRENCY_MISMATCH = CURRENCY_MISMATCH
    PRICE_NOT_FOR_THIS = PRICE_NOT_FOR_THIS
    VERIFICATION_FAILED = VERIFICATION_FAILED
    WRONG_APP = WRONG_APP
    WRONG_ENVIRONMENT = WRONG_ENVIRONMENT
    UNKNOWN_PRODUCT = UNKNOWN_PRODUCT
    PRODUCT_MISMATCH = PRODUCT_MISMATCH
    INVALID_PAYLOAD = INVALID_PAYLOAD
    STRIPE_REFUSED = STRIPE_REFUSED
    CARD_DECLINED = CARD_DECLINED


class ErrorCode409BillingEnum(TextChoices):
    IDEMPOTENCY_KEY_REUSED = IDEMPOTENCY_KEY_REUSED
    IDEMPOTENCY_IN_PROGRESS = IDEMPOTENCY_IN_PROGRESS
    ALREADY_SUBSCRIBED = ALREADY_SUBSCRIBED
    ALREADY_PURCHASED = ALREADY_PURCHASED
    NOT_CHANGEABLE = NOT_CHANGEABLE
    NOT_RESUMABLE = NOT_RESUMABLE
    PROVIDER_MANAGED = PROVIDER_MANAGED
    DEFAULT_METHOD_IN_USE = DEFAULT_METHOD_IN_USE
    PURCHASE_CLAIMED = PURCHASE_CLAIMED


class ErrorCode503BillingEnum(TextChoices):
    PROVIDER_UNAVAILABLE = PROVIDER_UNAVAILABLE


class ErrorCode400WebhookEnum(TextChoices):
    INVALID_SIGNATURE = INVALID_SIGNATURE
    PURCHASE_NOT_FOUND = "purchase_not_found"
    INVALID_PAYLOAD = INVALID_PAYLOAD
    VERIFICATION_FAILED = VERIFICATION_FAILED
    WRONG_APP = WRONG_APP
    WRONG_ENVIRONMENT = WRONG_ENVIRONMENT
