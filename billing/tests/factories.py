import factory

from billing.models import Price, Product


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    kind = Product.Kind.SUBSCRIPTION
    grants = Product.Grants.PREMIUM


class PriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Price

    product = factory.SubFactory(ProductFactory)
    interval = Price.Interval.MONTH
    amount = 999
    currency = "EUR"
