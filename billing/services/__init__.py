"""Writes of the billing app, split by sub-domain (each function owns its transaction):

* ``grants``: entitlements kept in step with subscriptions and purchases; audit rows; the hook;
* ``subscriptions``: create/change/cancel/resume (Stripe), store states applied in order;
* ``purchases``: web purchases (Stripe PaymentIntent), in-app purchases verified with the store;
* ``methods``: saved cards (SetupIntent), default, removal;
* ``payments``: money movements (charges, renewals, refunds, chargebacks), admin refunds;
* ``webhooks``: provider events stored once and dispatched;
* ``idempotency``: the first answer to an ``Idempotency-Key``, replayed.
"""
