from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from hub.search import analytics
from hub.search import query as search_query


@require_GET
def search(request):
    params = search_query.parse(request.GET)
    results = search_query.search(request.user, params=params)
    response = render(request, "search/search.html", {"results": results})
    if params.query and params.page == 1:
        analytics.record_search(request, response, params.query, results.total)
    return response


@require_GET
def suggest(request):
    """The header box's search-as-you-type (htmx): the top hits grouped by type."""
    q = search_query.clean_query(request.GET.get("q"))
    if len(q) < search_query.SUGGEST_MIN_LENGTH:
        return render(request, "search/_suggest.html", {"groups": [], "q": ""})
    groups = search_query.suggest(request.user, q)
    return render(request, "search/_suggest.html", {"groups": groups, "q": q})


@require_GET
def go(request):
    """A result was clicked: note the position (pseudonymously) and go to the document, found
    again under the person's audience, so this is never an open redirect or a leak."""
    doc_id = (request.GET.get("id") or "")[:120]
    q = search_query.clean_query(request.GET.get("q"))
    url = search_query.visible_url(request.user, doc_id)
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(reverse("search:search") + ("?" + urlencode({"q": q})))
    try:
        position = max(0, min(int((request.GET.get("pos") or "0")[:6]), 5000))
    except ValueError:
        position = 0
    response = HttpResponseRedirect(url)
    analytics.record_click(request, response, q, position, doc_id)
    return response
