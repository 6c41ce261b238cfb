"""Tenant tokens: a signed-in client may query Meilisearch directly, but only with the
person's audience filter baked into the token's search rules (which Meilisearch ANDs with
any filter the client adds). Tokens are signed with a dedicated search-only API key, created
by `search_setup` (or on first use), never with the master key."""

import uuid
from datetime import UTC, datetime, timedelta

from django.core.cache import cache

from hub import audience
from hub.search import client

TOKEN_LIFETIME = timedelta(minutes=10)


def key_uid(index_uid: str | None = None) -> str:
    """A stable uid per index, shaped as a version-4 UUID (Meilisearch's client insists)."""
    name = f"kumppani-search-key:{index_uid or client.index_uid()}"
    return str(uuid.UUID(bytes=uuid.uuid5(uuid.NAMESPACE_URL, name).bytes, version=4))


def search_key(*, create: bool = True) -> tuple[str, str]:
    """(uid, key) of the search-only API key for the live index; cached."""
    index_uid = client.index_uid()
    uid = key_uid(index_uid)
    cache_key = f"search:apikey:{uid}"
    cached = cache.get(cache_key)
    if cached:
        return uid, cached
    from meilisearch.errors import MeilisearchApiError

    meili = client.client()
    try:
        key = meili.get_key(uid).key
    except MeilisearchApiError as exc:
        if getattr(exc, "code", "") != "api_key_not_found" or not create:
            raise
        key = meili.create_key(
            {
                "uid": uid,
                "name": f"kumppani search ({index_uid})",
                "description": "Signs tenant tokens for signed-in clients (search only).",
                "actions": ["search"],
                "indexes": [index_uid],
                "expiresAt": None,
            }
        ).key
    cache.set(cache_key, key, timeout=3600)
    return uid, key


def tenant_token(user) -> dict:
    index_uid = client.index_uid()
    uid, key = search_key()
    audience_filter = audience.meili_filter(user)
    rules = {index_uid: {"filter": audience_filter} if audience_filter else {}}
    expires = datetime.now(UTC) + TOKEN_LIFETIME
    token = client.client().generate_tenant_token(
        api_key_uid=uid, search_rules=rules, expires_at=expires, api_key=key
    )
    return {"token": token, "index": index_uid, "expires_at": expires.isoformat()}
