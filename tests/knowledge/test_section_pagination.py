"""A section lists its articles 20 to a page, so a big section stays fast."""

import pytest

from knowledge.models import ArticlePage, SectionPage
from knowledge.services import knowledge_root
from tests.factories import make_user


@pytest.mark.django_db
def test_section_articles_are_paginated(client):
    section = knowledge_root().add_child(instance=SectionPage(title="Big", slug="big"))
    for i in range(45):
        section.add_child(instance=ArticlePage(title=f"Article {i:02d}", slug=f"a{i}"))
    client.force_login(make_user())
    first = client.get(section.url)
    assert len(first.context["articles"]) == 20
    assert b"Page 1 of 3" in first.content
    last = client.get(section.url, {"page": "3"})
    assert [a.title for a in last.context["articles"]] == [f"Article {i}" for i in range(40, 45)]
    # A page number out of range or malformed shows a real page, never an error.
    assert client.get(section.url, {"page": "999"}).status_code == 200
    assert client.get(section.url, {"page": "x"}).status_code == 200
