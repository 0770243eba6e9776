"""No overbooking under concurrent requests: the session row lock at work, on PostgreSQL.

Each thread has its own database connection and transaction, as concurrent web requests do.
"""

import threading
import time
from unittest import mock

import pytest
from django.db import connections
from django.utils import timezone

from participants import services
from participants.models import Registration
from tests.factories import RegistrationFactory, SessionFactory, geneva

Status = Registration.Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Row locks need PostgreSQL: skipped on SQLite (tests/conftest.py), run in CI.
    pytest.mark.postgresql,
]


def run_at_once(functions) -> list[BaseException]:
    """Start every function in its own thread at the same instant; return their errors."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def worker(function):
        try:
            barrier.wait()
            function()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture(autouse=True)
def _slow_seat_count():
    """Widen the gap between counting the seats and taking one, as a loaded server would:
    without the row lock, the threads then overbook for sure."""
    count = services._confirmed_count

    def slow_count(session):
        result = count(session)
        time.sleep(0.02)
        return result

    with mock.patch.object(services, "_confirmed_count", side_effect=slow_count):
        yield


def session_of(capacity: int):
    return SessionFactory(
        capacity=capacity,
        meeting__start=geneva(2030, 5, 6, 9),
        meeting__end=geneva(2030, 5, 6, 18),
        start=geneva(2030, 5, 6, 10),
        end=geneva(2030, 5, 6, 11),
    )


def test_twenty_concurrent_confirmations_fill_five_places_exactly(capsys):
    threads = 20
    session = session_of(capacity=5)
    pending = RegistrationFactory.create_batch(threads, session=session, status=Status.PENDING)

    errors = run_at_once(
        [
            lambda r=r: services.registrations_confirm(registrations=[r], now=timezone.now())
            for r in pending
        ]
    )

    statuses = list(session.registrations.values_list("status", flat=True))
    with capsys.disabled():
        print(
            f"\n[concurrency] {threads} threads confirming for a session of 5 places: "
            f"{statuses.count(Status.CONFIRMED)} confirmed, "
            f"{statuses.count(Status.WAITLISTED)} waitlisted, {len(errors)} errors"
        )
    assert errors == []
    assert statuses.count(Status.CONFIRMED) == 5
    assert statuses.count(Status.WAITLISTED) == threads - 5


def test_concurrent_cancellations_give_each_place_to_the_waiting_list_in_order(capsys):
    session = session_of(capacity=5)
    confirmed = RegistrationFactory.create_batch(5, session=session, status=Status.CONFIRMED)
    start = timezone.now()
    waiting = [
        RegistrationFactory(
            session=session,
            status=Status.WAITLISTED,
            waitlisted_at=start + timezone.timedelta(seconds=index),
        )
        for index in range(8)
    ]

    errors = run_at_once(
        [
            lambda r=r: services.registration_cancel(registration=r, now=timezone.now())
            for r in confirmed
        ]
    )

    now_confirmed = set(
        session.registrations.filter(status=Status.CONFIRMED).values_list("pk", flat=True)
    )
    still_waiting = list(
        session.registrations.filter(status=Status.WAITLISTED)
        .order_by("waitlisted_at")
        .values_list("pk", flat=True)
    )
    with capsys.disabled():
        print(
            f"\n[concurrency] 5 threads cancelling in a full session with 8 waiting: "
            f"{len(now_confirmed)} promoted, {len(still_waiting)} still waiting, "
            f"{len(errors)} errors"
        )
    assert errors == []
    assert now_confirmed == {r.pk for r in waiting[:5]}
    assert still_waiting == [r.pk for r in waiting[5:]]


def test_concurrent_double_submission_creates_one_registration():
    session = session_of(capacity=5)
    details = services.ParticipantDetails(
        first_name="Awa",
        last_name="Ndiaye",
        email="awa@example.org",
        organisation_name="",
        category="other",
        country="SN",
        language="fr",
        accessibility_needs="",
    )

    errors = run_at_once(
        [
            lambda: services.registration_request(
                meeting=session.meeting, sessions=[session], details=details, now=timezone.now()
            )
            for _ in range(8)
        ]
    )

    assert errors == []
    assert session.registrations.count() == 1
