from django.urls import path

from . import views, webhooks

# Paths exactly as the spec (mounted at /api/payments/), no trailing slash; ids are UUIDs.
urlpatterns = [
    path(
        "subscriptions",
        views.SubscriptionListCreateView.as_view(),
        name="payments-subscriptions",
    ),
    path(
        "subscriptions/<uuid:subscription_id>",
        views.SubscriptionDetailView.as_view(),
        name="payments-subscription-detail",
    ),
    path(
        "subscriptions/<uuid:subscription_id>/cancel",
        views.SubscriptionCancelView.as_view(),
        name="payments-subscription-cancel",
    ),
    path("purchases", views.PurchaseListCreateView.as_view(), name="payments-purchases"),
    path("methods", views.PaymentMethodListCreateView.as_view(), name="payments-methods"),
    path(
        "methods/<uuid:method_id>",
        views.PaymentMethodDetailView.as_view(),
        name="payments-method-detail",
    ),
    path("webhooks", webhooks.StripeWebhookDefaultView.as_view(), name="payments-webhooks"),
    path("webhooks/stripe", webhooks.StripeWebhookView.as_view(), name="payments-webhooks-stripe"),
    path("webhooks/apple", webhooks.AppleWebhookView.as_view(), name="payments-webhooks-apple"),
    path(
        "webhooks/google-play",
        webhooks.GooglePlayWebhookView.as_view(),
        name="payments-webhooks-google-play",
    ),
    path("webhooks/paypal", webhooks.PaypalWebhookView.as_view(), name="payments-webhooks-paypal"),
]
