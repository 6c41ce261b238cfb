from django.shortcuts import render

from hub.search import query as search_query


def search(request):
    q = search_query.clean_query(request.GET.get("q"))
    page = search_query.clean_page(request.GET.get("page"))
    results = search_query.search(request.user, query=q, page=page)
    return render(request, "search/search.html", {"results": results})
