"""The JSON API at /api/v1/ (django-ninja); OpenAPI documentation at /api/docs.

Apps add their routers below. Authentication is per router: the integration API takes an API
key (integrations/auth.py); endpoints for signed-in people take the session (with CSRF).
"""

from ninja import NinjaAPI
from ninja.security import HttpBearer


class KumppaniAPI(NinjaAPI):
    """Routes whose authentication is an API key (HttpBearer) are reached without a session,
    so they are exempt from LoginRequiredMiddleware and answer 401 themselves; every other
    route (the session ones) stays behind the login like the rest of the site."""

    def _get_urls(self):
        from ninja.openapi.urls import get_openapi_urls, get_root_url

        urls = get_openapi_urls(self)
        for bound in self._get_bound_routers():
            # urls_paths yields one pattern per operation, path by path, in this order.
            patterns = iter(bound.urls_paths(bound.prefix))
            for path_view in bound.path_operations.values():
                key_only = _key_only(path_view.operations)
                for _operation in path_view.operations:
                    pattern = next(patterns)
                    if key_only:
                        pattern.callback.login_required = False
                    urls.append(pattern)
        urls.append(get_root_url(self))
        return urls


def _key_only(operations) -> bool:
    callbacks = [cb for op in operations for cb in (op.auth_callbacks or ())]
    return bool(callbacks) and all(isinstance(cb, HttpBearer) for cb in callbacks)


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
