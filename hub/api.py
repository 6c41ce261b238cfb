"""The JSON API at /api/v1/ (django-ninja); OpenAPI documentation at /api/docs.

Apps add their routers below. Authentication is per router: the integration API takes an API
key (integrations/auth.py); endpoints for signed-in people take the session (with CSRF).
"""

from ninja import NinjaAPI


class KumppaniAPI(NinjaAPI):
    """A route with authentication (an API key, or the session) answers 401 itself, in JSON,
    so it is exempt from LoginRequiredMiddleware: a client whose session has ended gets 401,
    not a redirect to the sign-in page's HTML. A route without any stays behind the login like
    the rest of the site."""

    def _get_urls(self):
        from ninja.openapi.urls import get_openapi_urls, get_root_url

        urls = get_openapi_urls(self)
        for bound in self._get_bound_routers():
            # urls_paths yields one pattern per operation, path by path, in this order.
            patterns = iter(bound.urls_paths(bound.prefix))
            for path_view in bound.path_operations.values():
                answers_401 = _authenticated(path_view.operations)
                for _operation in path_view.operations:
                    pattern = next(patterns)
                    if answers_401:
                        pattern.callback.login_required = False
                    urls.append(pattern)
        urls.append(get_root_url(self))
        return urls


def _authenticated(operations) -> bool:
    return all(op.auth_callbacks for op in operations)


# The schema and its documentation page are served by integrations/views.py at
# /api/openapi.json and /api/docs (CSP-clean, no CDN).
api = KumppaniAPI(
    title="Kumppani API",
    version="1",
    urls_namespace="api",
    docs_url=None,
    openapi_url=None,
    description="The CRM/ERP integration API. Authenticate with `Authorization: Bearer <key>`; "
    "staff create keys in the admin (Integration → API keys).",
)
api.add_router("/search", "hub.search.api.router")  # search (hub/search/api.py)

from integrations.api import install  # noqa: E402 (after `api` exists)

install(api)
