"""THE visibility rule. Every surface that shows content goes through one of its compilations.

Content carries an audience (products, regions, roles; each possibly empty) as tagged. A
person's reach comes from each of their memberships: the organisation's products and regions,
each expanded with ancestors and descendants, and the membership's roles. Content is visible iff
it is published (or the person is an editor) and, for some membership, each of the three
dimensions is empty on the content or meets that membership's reach. Staff reach everything.

Reach is taken per membership, not pooled across them: a person in two organisations must not
combine one organisation's product with the other's region into something neither may see.
A signed-in person with no membership reaches only content whose audience is empty.

Compiled three ways, which a property test proves agree (tests/hub/test_audience_property.py):
- `visible_to(user, obj)` for one object (`prime_reaches(users)` first, for many people),
- `q_for(user, model, prefix=...)` for querysets,
- `meili_filter(user)` for Meilisearch.
"""

import functools
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.signals import m2m_changed, post_delete, post_save

from hub import cache as hub_cache
from hub import taxonomy
from hub.models import Audience, AudienceMixin, Product, Region, Role
from hub.search import client

DIMENSIONS = ("products", "regions", "roles")
_REACH_ATTR = "_kumppani_reach"


@dataclass(frozen=True)
class Scope:
    """What one membership reaches: expanded products and regions, and roles."""

    products: frozenset[int] = frozenset()
    regions: frozenset[int] = frozenset()
    roles: frozenset[int] = frozenset()

    def admits(self, audience: Audience) -> bool:
        return all(
            not getattr(audience, dim) or bool(getattr(audience, dim) & getattr(self, dim))
            for dim in DIMENSIONS
        )


@dataclass(frozen=True)
class Reach:
    everything: bool = False
    drafts: bool = False
    scopes: tuple[Scope, ...] = ()

    def digest(self) -> str:
        """A stable fingerprint of what this reach can see (for cache keys: two people with the
        same digest see exactly the same content)."""
        parts = sorted(
            tuple(tuple(sorted(getattr(scope, dim))) for dim in DIMENSIONS) for scope in self.scopes
        )
        raw = repr((self.everything, self.drafts, parts)).encode()
        return hashlib.sha256(raw).hexdigest()[:32]


NOBODY = Reach()


def reach_for_terms(*, products=(), regions=(), roles=()) -> Reach:
    """The reach of someone with one membership in an organisation tagged with these products
    and regions, in these roles: the synthetic person of an editor's "view as" preview."""
    product_tree, region_tree = taxonomy.trees(Product, Region)
    return Reach(
        scopes=(
            Scope(
                products=product_tree.expand(products),
                regions=region_tree.expand(regions),
                roles=frozenset(roles),
            ),
        )
    )


class SyntheticPerson:
    """A person who does not exist, with a given reach (see `reach_for_terms`). Never staff,
    never stored, never signed in: the rule treats them exactly as a member with that reach."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    is_view_as = True
    pk = id = None

    def __init__(self, reach: Reach):
        setattr(self, _REACH_ATTR, reach)


def reach_of(user) -> Reach:
    """The person's reach, computed once per user object (a request's `request.user`)."""
    cached = getattr(user, _REACH_ATTR, None)
    if cached is not None:
        return cached
    reach = _compute_reach(user)
    if user is not None:
        setattr(user, _REACH_ATTR, reach)
    return reach


def forget_reach(user) -> None:
    """Drop the reach cached on this user object (after its memberships changed)."""
    if hasattr(user, _REACH_ATTR):
        delattr(user, _REACH_ATTR)
    if user is not None and user.pk is not None:
        _forget_cached_reach(user.pk)


def _compute_reach(user) -> Reach:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    if user.is_staff:
        return Reach(everything=True, drafts=True)
    return _cached_member_reach(user)


# --- the reach, cached across requests -----------------------------------------------------------
#
# A member's reach takes four queries and two taxonomy trees; it changes only when memberships,
# their roles, organisations' products/regions or the trees change. So it is kept in the cache
# beside two tokens: a global one (trees, organisations, roles) and one per person (their
# memberships). A change replaces the token (at once and again on commit, so a request that read
# the old rows mid-transaction cannot store them under the new token); an entry counts only when
# both tokens match, read with it in one round trip. Staff and inactive people are decided from
# the user row itself, never from the cache.

REACH_CACHE_SECONDS = 3600
_TOKEN_SECONDS = 7 * 24 * 3600
_GLOBAL_STAMP_KEY = "audience:reach:v1:global"
_USER_STAMP_KEY = "audience:reach:v1:stamp:{}"
_USER_REACH_KEY = "audience:reach:v1:reach:{}"


def _token(key: str, found: dict) -> str:
    token = found.get(key)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(key, token, _TOKEN_SECONDS):
            token = cache.get(key) or token
    return token


def _reach_keys(user_id: int) -> list[str]:
    return [_GLOBAL_STAMP_KEY, _USER_STAMP_KEY.format(user_id), _USER_REACH_KEY.format(user_id)]


@hub_cache.reads_ahead
def _reach_keys_ahead(request, user) -> list[str]:
    return _reach_keys(user.pk) if user.is_active and not user.is_staff else []


def _cached_member_reach(user) -> Reach:
    keys = _reach_keys(user.pk)
    found = hub_cache.get_many_ahead(keys)
    user_token_key, reach_key = keys[1:]
    tokens = (_token(_GLOBAL_STAMP_KEY, found), _token(user_token_key, found))
    entry = found.get(reach_key)
    if entry is not None and entry[0] == tokens:
        return entry[1]
    reach = _compute_member_reach(user)
    cache.set(reach_key, (tokens, reach), REACH_CACHE_SECONDS)
    return reach


def _replace_token(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, _TOKEN_SECONDS)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, _TOKEN_SECONDS))


def _forget_cached_reach(user_id: int) -> None:
    _replace_token(_USER_STAMP_KEY.format(user_id))


def forget_all_reaches() -> None:
    """Invalidate every cached reach (the trees, an organisation's terms or the roles changed)."""
    _replace_token(_GLOBAL_STAMP_KEY)


def _membership_changed(sender, instance, **kwargs):
    _forget_cached_reach(instance.user_id)


def _user_changed(sender, instance, **kwargs):
    # A new row may reuse the id of a deleted one (SQLite): never inherit its entry.
    _forget_cached_reach(instance.pk)


def _membership_roles_changed(sender, instance, reverse, **kwargs):
    if kwargs.get("action", "").startswith("pre_"):
        return
    if reverse:
        forget_all_reaches()
    else:
        _forget_cached_reach(instance.user_id)


def _everyone_changed(sender, **kwargs):
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    forget_all_reaches()


post_save.connect(
    _membership_changed, sender="accounts.Membership", dispatch_uid="audience-reach-m-save"
)
post_delete.connect(
    _membership_changed, sender="accounts.Membership", dispatch_uid="audience-reach-m-del"
)
post_save.connect(_user_changed, sender="accounts.User", dispatch_uid="audience-reach-u-save")
post_delete.connect(_user_changed, sender="accounts.User", dispatch_uid="audience-reach-u-del")
m2m_changed.connect(
    _membership_roles_changed, sender="accounts.Membership_roles", dispatch_uid="audience-reach-mr"
)
for _uid, _sender in (
    ("op", "accounts.Organisation_products"),
    ("or", "accounts.Organisation_regions"),
):
    m2m_changed.connect(_everyone_changed, sender=_sender, dispatch_uid=f"audience-reach-{_uid}")
for _model in (Product, Region, Role):
    _label = _model._meta.label_lower
    post_save.connect(_everyone_changed, sender=_model, dispatch_uid=f"audience-reach-s-{_label}")
    post_delete.connect(_everyone_changed, sender=_model, dispatch_uid=f"audience-reach-d-{_label}")


def _compute_member_reach(user) -> Reach:
    return _compute_member_reaches([user.pk])[user.pk]


def _compute_member_reaches(user_ids) -> dict[int, Reach]:
    """The reaches of many members in four queries at most (memberships, their organisations'
    products and regions, their roles), however many people there are."""
    from accounts.models import Membership, Organisation

    user_ids = set(user_ids)
    memberships = list(
        Membership.objects.filter(user_id__in=user_ids).values_list(
            "pk", "user_id", "organisation_id"
        )
    )
    org_products: dict[int, set[int]] = {}
    org_regions: dict[int, set[int]] = {}
    membership_roles: dict[int, set[int]] = {}
    if memberships:
        org_ids = {org_id for _, _, org_id in memberships}
        for org_id, pk in Organisation.products.through.objects.filter(
            organisation_id__in=org_ids
        ).values_list("organisation_id", "product_id"):
            org_products.setdefault(org_id, set()).add(pk)
        for org_id, pk in Organisation.regions.through.objects.filter(
            organisation_id__in=org_ids
        ).values_list("organisation_id", "region_id"):
            org_regions.setdefault(org_id, set()).add(pk)
        for membership_id, pk in Membership.roles.through.objects.filter(
            membership_id__in=[pk for pk, _, _ in memberships]
        ).values_list("membership_id", "role_id"):
            membership_roles.setdefault(membership_id, set()).add(pk)

    products, regions = taxonomy.trees(Product, Region)
    scopes: dict[int, set[Scope]] = {}
    for membership_id, user_id, org_id in memberships:
        scopes.setdefault(user_id, set()).add(
            Scope(
                products=products.expand(org_products.get(org_id, ())),
                regions=regions.expand(org_regions.get(org_id, ())),
                roles=frozenset(membership_roles.get(membership_id, ())),
            )
        )
    return {
        # No membership: only content whose audience is empty (one empty scope).
        user_id: Reach(scopes=tuple(sorted(scopes.get(user_id) or {Scope()}, key=repr)))
        for user_id in user_ids
    }


# --- many people at once -----------------------------------------------------------------------


def prime_reaches(users: Iterable) -> None:
    """Set the reach on each of these user objects, so that `visible_to(user, ...)` afterwards
    costs no query: for a fan-out to thousands of people. Staff and inactive people are decided
    from the user row, as one by one; the members' cached reaches are read in one cache round
    trip and the missing ones computed together in a fixed number of queries."""
    members: dict[int, list] = {}
    for user in users:
        if user is None or getattr(user, _REACH_ATTR, None) is not None:
            continue
        if user.pk is None or not user.is_authenticated or not user.is_active or user.is_staff:
            reach_of(user)  # decided without a query (or a person who was never stored)
            continue
        members.setdefault(user.pk, []).append(user)
    if not members:
        return
    for user_id, reach in _cached_member_reaches(members).items():
        for user in members[user_id]:
            setattr(user, _REACH_ATTR, reach)


def _cached_member_reaches(user_ids) -> dict[int, Reach]:
    """`_cached_member_reach` for many people: the same keys, tokens and entries."""
    keys = {pk: (_USER_STAMP_KEY.format(pk), _USER_REACH_KEY.format(pk)) for pk in user_ids}
    found = cache.get_many([_GLOBAL_STAMP_KEY, *(k for pair in keys.values() for k in pair)])
    global_token = _token(_GLOBAL_STAMP_KEY, found)
    # A person without a token gets a new one before their memberships are read (as `_token`
    # does), written in one round trip. Overwriting a token that appeared meanwhile only makes
    # entries stale, never a stale entry current: the rows are read after the write.
    fresh = {keys[pk][0]: uuid.uuid4().hex for pk in keys if keys[pk][0] not in found}
    if fresh:
        cache.set_many(fresh, _TOKEN_SECONDS)
        found.update(fresh)
    reaches: dict[int, Reach] = {}
    tokens: dict[int, tuple[str, str]] = {}
    for pk, (token_key, reach_key) in keys.items():
        tokens[pk] = (global_token, found[token_key])
        entry = found.get(reach_key)
        if entry is not None and entry[0] == tokens[pk]:
            reaches[pk] = entry[1]
    missing = [pk for pk in keys if pk not in reaches]
    if missing:
        computed = _compute_member_reaches(missing)
        cache.set_many(
            {keys[pk][1]: (tokens[pk], computed[pk]) for pk in missing}, REACH_CACHE_SECONDS
        )
        reaches.update(computed)
    return reaches


# --- one object --------------------------------------------------------------------------------


def visible_to(user, obj: AudienceMixin) -> bool:
    reach = reach_of(user)
    if not obj.audience_is_live() and not reach.drafts:
        return False
    if reach.everything:
        return True
    audience = obj.audience()
    return any(scope.admits(audience) for scope in reach.scopes)


# --- querysets ---------------------------------------------------------------------------------


def q_for(user, model: type[AudienceMixin], *, prefix: str = "") -> Q:
    """A Q over `model` (or over a queryset that reaches it through `prefix`, a chain of foreign
    keys, e.g. `q_for(user, Category, prefix="category__")` on topics). Uses `pk IN (subquery)`,
    so it never duplicates rows and needs no DISTINCT."""
    reach = reach_of(user)
    q = Q()
    if model.AUDIENCE_LIVE_FIELD and not reach.drafts:
        q &= Q(**{f"{prefix}{model.AUDIENCE_LIVE_FIELD}": True})
    if reach.everything:
        return q
    if not reach.scopes:
        return q & Q(**{f"{prefix}pk__in": []})
    return q & reduce(or_, (_scope_q(scope, model, prefix) for scope in reach.scopes))


def _scope_q(scope: Scope, model: type[AudienceMixin], prefix: str) -> Q:
    return reduce(
        and_, (_dimension_q(model, dim, getattr(scope, dim), prefix) for dim in DIMENSIONS)
    )


def _dimension_q(model, dim: str, reached: frozenset[int], prefix: str) -> Q:
    """Not tagged in this dimension, or tagged with a term reached. The subqueries are
    uncorrelated and written out: the ORM took 2 to 7 ms to compile the correlated EXISTS form
    of one q_for (with those nested in the learning app's counts, 14 ms of an 18 ms panel), and
    PostgreSQL runs these faster too. The tagged object's column is a NOT NULL foreign key, so
    NOT IN is exact."""
    table, obj_column, term_column = _through_columns(model, dim)
    # Names from the models' own metadata, quoted; the term ids are parameters.
    tagged = f"SELECT {obj_column} FROM {table}"  # noqa: S608
    q = ~Q(**{f"{prefix}pk__in": RawSQL(tagged, ())})  # noqa: S611
    if reached:
        terms = sorted(reached)
        marks = ", ".join(["%s"] * len(terms))
        reached_sql = RawSQL(f"{tagged} WHERE {term_column} IN ({marks})", terms)  # noqa: S611
        q |= Q(**{f"{prefix}pk__in": reached_sql})
    return q


@functools.cache
def _through_columns(model, dim: str) -> tuple[str, str, str]:
    """The quoted table of `model`'s audience tags in `dim`, its object and its term column."""
    field = model._meta.get_field(f"{model.AUDIENCE_FIELD_PREFIX}{dim}")
    through = field.remote_field.through._meta
    quote = connection.ops.quote_name
    return (
        quote(through.db_table),
        quote(through.get_field(field.m2m_field_name()).column),
        quote(through.get_field(field.m2m_reverse_field_name()).column),
    )


# --- Meilisearch -------------------------------------------------------------------------------

MATCH_NOTHING = "(products IS EMPTY) AND (NOT products IS EMPTY)"


def meili_filter(user) -> str:
    """A Meilisearch filter expression; "" means no restriction (staff). The index holds only
    published content, so drafts never come up in search, not even for editors."""
    reach = reach_of(user)
    if reach.everything:
        return ""
    if not reach.scopes:
        return MATCH_NOTHING
    trees = dict(zip(DIMENSIONS, taxonomy.trees(Product, Region, Role), strict=True))
    return " OR ".join(
        "("
        + " AND ".join(
            _meili_dimension(dim, trees[dim].slugs(getattr(scope, dim))) for dim in DIMENSIONS
        )
        + ")"
        for scope in reach.scopes
    )


def _meili_dimension(attribute: str, slugs: list[str]) -> str:
    if not slugs:
        return f"{attribute} IS EMPTY"
    values = ", ".join(client.quote(s) for s in slugs)
    return f"({attribute} IS EMPTY OR {attribute} IN [{values}])"


def document_fields(obj: AudienceMixin) -> dict[str, list[str]]:
    """The audience as it goes into a search document (slugs, as tagged, never expanded)."""
    audience = obj.audience()
    trees = taxonomy.trees(Product, Region, Role)
    return {
        dim: tree.slugs(getattr(audience, dim)) for dim, tree in zip(DIMENSIONS, trees, strict=True)
    }
