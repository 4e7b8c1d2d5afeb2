import pytest
from django.contrib.auth.models import Group

from accounts.tests.factories import UserFactory
from core.testing import SchemaValidatingClient


def _in_group(email, group):
    user = UserFactory(email=email, name=group, is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def content_manager(db):
    return _in_group("content@example.com", "Content managers")


@pytest.fixture
def support(db):
    return _in_group("support@example.com", "Support")


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.com", name="Root", is_staff=True, is_superuser=True)


@pytest.fixture
def cm_client(content_manager):
    return SchemaValidatingClient().as_user(content_manager)


@pytest.fixture
def support_client(support):
    return SchemaValidatingClient().as_user(support)
