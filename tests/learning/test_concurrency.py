"""Two people racing for the last place, in real PostgreSQL transactions on two threads: one
gets the place, the other the waiting list — never both a place."""

import threading

import pytest
from django.db import connection, connections

from learning import services
from learning.models import Registration
from tests.conftest import require
from tests.factories import make_member, make_org
from tests.learning.conftest import make_event

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _race(targets):
    """Run each callable on its own thread (own database connection), released together."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait(timeout=10)
            target()
        except Exception as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_two_people_race_for_the_last_place(world, event_index):
    require(connection.vendor == "postgresql", "row locks need PostgreSQL")
    org = make_org(products=[world.router], regions=[world.finland])
    for round_ in range(3):
        event = make_event(event_index, f"Race {round_}", capacity=1)
        people = [make_member(org) for _ in range(2)]
        _race([lambda p=p, e=event: services.event_register(event=e, user=p) for p in people])
        statuses = sorted(Registration.objects.filter(event=event).values_list("status", flat=True))
        assert statuses == ["registered", "waitlisted"]
        positions = set(Registration.objects.filter(event=event).values_list("position", flat=True))
        assert positions == {1, 2}


def test_two_cancellations_promote_the_queue_in_order(world, event_index):
    require(connection.vendor == "postgresql", "row locks need PostgreSQL")
    org = make_org(products=[world.router], regions=[world.finland])
    event = make_event(event_index, "Popular", capacity=2)
    holders = [make_member(org) for _ in range(2)]
    waiting = [make_member(org) for _ in range(3)]
    for person in holders + waiting:
        services.event_register(event=event, user=person)
    _race([lambda p=p: services.event_cancel(event=event, user=p) for p in holders])
    statuses = [Registration.objects.get(event=event, user=p).status for p in waiting]
    assert statuses == ["registered", "registered", "waitlisted"]
