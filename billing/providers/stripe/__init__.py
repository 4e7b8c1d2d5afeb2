"""Stripe: ``client`` talks to the API through the SDK's ``StripeClient`` (API version pinned,
base address from settings), ``webhooks`` verifies and parses events. Both answer with
dataclasses (``billing.providers.types`` and the Stripe ones below); no SDK object leaves."""
