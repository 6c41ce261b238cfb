"""The JSON API at /api/v1/ (django-ninja); OpenAPI documentation at /api/docs.

Apps add their routers below. Authentication is per router: the integration API takes an API
key (integrations/auth.py); endpoints for signed-in people take the session (with CSRF).
"""

from ninja import NinjaAPI

api = NinjaAPI(title="Kumppani API", version="1", urls_namespace="api", docs_url=None)
