"""`Authorization: Bearer kmp_<prefix>_<secret>` for the integration API.

The prefix finds the key row; the SHA-256 of the presented key is compared with the stored one
in constant time. Unknown, malformed or revoked keys are a 401; a valid key without the scope
the operation needs is a 403.
"""

import hmac
from datetime import timedelta

from django.utils import timezone
from ninja.security import HttpBearer

from integrations.models import KEY_PREFIX, ApiKey, hash_key

# last_used_at is written at most this often per key (not a write on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ScopeDenied(Exception):
    def __init__(self, scope: str):
        super().__init__(scope)
        self.scope = scope


def key_for(token: str) -> ApiKey | None:
    """The active key this token is, or None."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    key = ApiKey.objects.filter(prefix=parts[1]).first()
    if key is None or not hmac.compare_digest(key.secret_hash, hash_key(token.strip())):
        return None
    if key.revoked_at is not None:
        return None
    now = timezone.now()
    if key.last_used_at is None or now - key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key


class ApiKeyAuth(HttpBearer):
    """Authenticates by API key and requires `scope`."""

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token: str) -> ApiKey | None:
        key = key_for(token)
        if key is not None and not key.has_scope(self.scope):
            raise ScopeDenied(self.scope)
        return key


READ = ApiKeyAuth("read")


def write(resource: str) -> ApiKeyAuth:
    return ApiKeyAuth(f"{resource}:write")
