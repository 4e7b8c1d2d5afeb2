"""The Celery wiring, end to end: a real worker consumes from the configured broker.

Redis in CI (REDIS_URL set), kombu's filesystem transport under .data/ otherwise. The worker
runs in a thread of this process, so it shares the locmem outbox and sees the test database
(a transaction=True test: the rows are committed).
"""

import logging
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.db import connections
from kombu import Queue

from accounts.tasks import password_reset_email_send
from accounts.tests.factories import UserFactory
from config.celery import app

DEADLINE_SECONDS = 8.0


@pytest.fixture
def celery_conf(monkeypatch):
    """Set Celery options for one test. They go to ``app.conf.changes``, which takes
    precedence over Django settings; removing them afterwards restores the settings' values."""

    def set_option(name, value):
        monkeypatch.setitem(app.conf.changes, name, value)

    return set_option


@pytest.fixture
def restore_celery_logging(monkeypatch):
    """Setting up a worker's logging marks it done (once per process) and records it in the
    environment: let it run, then put both back."""
    monkeypatch.setattr(type(app.log), "_setup", False)
    for name in ("CELERY_LOG_LEVEL", "CELERY_LOG_FILE"):
        monkeypatch.setenv(name, "")


@pytest.fixture
def queue(monkeypatch, celery_conf):
    """A queue of this test alone, made the default for tasks sent during the test.

    The broker may be shared (a developer's `make worker`, another run of the suite on the
    same Redis): another worker must not take this test's task, nor this worker someone
    else's. It is bound to the default exchange, so deleting it leaves no binding behind.
    """
    name = f"test-{uuid.uuid4().hex}"
    queue = Queue(name, exchange=app.amqp.default_exchange, routing_key=name)
    monkeypatch.setitem(app.amqp.queues, name, queue)
    celery_conf("task_default_queue", name)
    # The worker narrows the app's queues to the ones it consumes (Queues.select): put the
    # app's own selection back afterwards.
    monkeypatch.setattr(app.amqp.queues, "_consume_from", app.amqp.queues._consume_from)
    yield queue
    with app.connection_for_write() as conn:
        queue.bind(conn.default_channel).delete()


@pytest.fixture
def close_worker_connections():
    """The worker thread opens its own database connection (CONN_MAX_AGE keeps it open):
    close it in that thread, or the test database could not be dropped at the end."""

    def close(**kwargs):
        connections.close_all()

    task_postrun.connect(close, weak=False)
    yield
    task_postrun.disconnect(close)


@pytest.fixture
def worker(settings, celery_conf, queue, restore_celery_logging, close_worker_connections):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # No remote control: its broadcast queue would outlive the worker on the broker.
    celery_conf("worker_enable_remote_control", False)
    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[queue.name], shutdown_timeout=10
    ) as worker:
        yield worker


def wait_for(condition, deadline=DEADLINE_SECONDS):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_password_reset_email(worker, queue):
    assert app.conf.task_always_eager is False
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    user = UserFactory(email="alice@example.com")

    password_reset_email_send.delay(user_id=user.pk)

    assert wait_for(lambda: len(mail.outbox) == 1), "the worker did not send the email in time"
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert message.subject == "Reset your FitCore password"
    assert f"uid {user.public_id}, token " in message.body
    with app.connection_for_write() as conn:
        assert queue.bind(conn.default_channel).queue_declare().message_count == 0


@pytest.mark.usefixtures("restore_celery_logging")
def test_workers_log_through_djangos_logging():
    # What a worker does at start-up (celery.apps.worker.Worker.setup_logging).
    app.log.setup(loglevel="INFO")

    root = logging.getLogger()
    assert [type(h) for h in root.handlers] == [logging.StreamHandler]
    handler = root.handlers[0]
    configured = settings.LOGGING["formatters"][settings.LOG_FORMAT]
    assert handler.formatter._fmt == configured.get("format", configured.get("fmt"))
    assert [type(f).__name__ for f in handler.filters] == ["CorrelationId"]
    assert root.level == logging.getLevelName(settings.LOG_LEVEL)
