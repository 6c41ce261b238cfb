"""The support pages have fixed query counts, whatever the number of requests and messages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from support import services
from tests.support.conftest import upload


def _grow(anna, staff, n: int) -> int:
    last = None
    for i in range(n):
        last = services.support_request_open(
            by=anna, subject=f"Request {i}", description="Text", files=[upload(f"a{i}.txt")]
        )
        services.support_reply(request=last, by=staff, body=f"Answer {i}", files=[upload()])
        services.support_reply(request=last, by=anna, body=f"Thanks {i}")
    return last.pk


# session + user (2), membership/profile for the module check (1), admin organisations (1),
# the page: list (count + rows: 2) / detail (request, messages, attachments: 3).
MAX_QUERIES = {"list": 6, "detail": 7}


@pytest.mark.django_db
@pytest.mark.parametrize("page", list(MAX_QUERIES))
def test_fixed_query_counts(client, anna, staff, page, django_assert_max_num_queries):
    client.force_login(anna)
    counts = []
    for size in (1, 6):
        pk = _grow(anna, staff, size)
        url = "/account/support/" if page == "list" else f"/account/support/{pk}/"
        client.get(url)  # warm the cache (portal settings)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], f"{page}: {counts}"
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        client.get(url)
