"""/api/v1/search: the search page's results as JSON (session auth), and a tenant token."""

import json
from datetime import datetime

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from ninja import Router, Schema, Status
from ninja.security import django_auth

from hub.search import analytics, client, tokens
from hub.search import query as search_query

router = Router(tags=["search"], auth=django_auth)


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    label: str
    values: list[FacetValueOut]


class HitOut(Schema):
    id: str
    type: str
    type_label: str
    title: str
    title_html: str
    snippet_html: str
    url: str
    products: list[str]
    published_at: datetime | None
    position: int


class SearchOut(Schema):
    query: str
    page: int
    pages: int
    total: int
    sort: str
    degraded: bool
    notices: list[str]
    hits: list[HitOut]
    facets: list[FacetOut]
    suggestion: str


class SearchParams(Schema):
    q: str = ""
    type: list[str] = []
    product: list[str] = []
    region: list[str] = []
    role: list[str] = []
    sort: str = "relevance"
    page: str = "1"


def _documented(params: type[Schema]) -> dict:
    """The OpenAPI parameters ninja would write for `Query[params]`. The endpoint reads the
    query string with the page's own code (unknown values dropped, never an error), so having
    ninja validate it as well would only cost each request 0.1 ms."""
    schema = params.model_json_schema()
    return {
        "parameters": [
            {"in": "query", "name": name, "schema": field, "required": False}
            for name, field in schema["properties"].items()
        ]
    }


@router.get(
    "",
    response=SearchOut,
    summary="Search everything the signed-in person may see",
    openapi_extra=_documented(SearchParams),
)
def search(request):
    params = search_query.parse(request.GET)
    results = search_query.search(request.user, params=params)
    body = {
        "query": results.query,
        "page": results.page,
        "pages": results.pages,
        "total": results.total,
        "sort": params.sort,
        "degraded": results.degraded,
        "notices": [str(n) for n in results.notices],
        "hits": [
            {
                "id": h.id,
                "type": h.type,
                "type_label": h.type_label,
                "title": h.title,
                "title_html": h.title_html,
                "snippet_html": h.excerpt_html,
                "url": h.url,
                "products": h.products,
                "published_at": h.published_at,
                "position": h.position,
            }
            for h in results.hits
        ],
        "facets": [
            {
                "name": f.name,
                "label": f.label,
                "values": [
                    {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                    for v in f.values
                ],
            }
            for f in results.facets
        ],
        "suggestion": results.suggestion,
    }
    # Sent as JSON as it stands: ninja's check of a page of hits against SearchOut took half
    # a millisecond a request, six times the encoding. SearchOut still documents the answer
    # in the OpenAPI schema, and tests/search/test_features.py holds the two together.
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder), content_type="application/json; charset=utf-8"
    )
    if params.query and params.page == 1:
        analytics.record_search(request, response, params.query, results.total)
    return response


class TokenOut(Schema):
    token: str
    index: str
    expires_at: str
    url: str


@router.get(
    "/token",
    response={200: TokenOut, 503: dict},
    summary="A short-lived Meilisearch tenant token carrying the person's audience",
)
def token(request):
    try:
        data = tokens.tenant_token(request.user)
    except client.UNAVAILABLE:
        return Status(503, {"detail": "search is unavailable"})
    url = getattr(settings, "MEILISEARCH_PUBLIC_URL", "") or settings.MEILISEARCH_URL
    return {**data, "url": url}
