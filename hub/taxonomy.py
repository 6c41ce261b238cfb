"""Product and region trees, held whole in the cache (they are small) and expanded in memory."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from hub import cache as hub_cache
from hub.models import Product, Region, Role

_CACHE_KEY = "taxonomy:v1:{}"


@dataclass(frozen=True)
class Tree:
    parent: dict[int, int | None]
    slug: dict[int, str]
    children: dict[int, tuple[int, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, rows: Iterable[tuple[int, int | None, str]]) -> "Tree":
        parent, slug, children = {}, {}, {}
        for pk, parent_id, term_slug in rows:
            parent[pk] = parent_id
            slug[pk] = term_slug
            if parent_id is not None:
                children.setdefault(parent_id, []).append(pk)
        return cls(parent, slug, {k: tuple(v) for k, v in children.items()})

    def ancestors(self, pk: int) -> set[int]:
        out, node = set(), self.parent.get(pk)
        while node is not None and node not in out:
            out.add(node)
            node = self.parent.get(node)
        return out

    def descendants(self, pk: int) -> set[int]:
        out, stack = set(), list(self.children.get(pk, ()))
        while stack:
            node = stack.pop()
            if node not in out:
                out.add(node)
                stack.extend(self.children.get(node, ()))
        return out

    def expand(self, pks: Iterable[int]) -> frozenset[int]:
        """The terms with all their ancestors and descendants."""
        out: set[int] = set()
        for pk in pks:
            if pk in self.parent:
                out.add(pk)
                out |= self.ancestors(pk)
                out |= self.descendants(pk)
        return frozenset(out)

    def slugs(self, pks: Iterable[int]) -> list[str]:
        return sorted(self.slug[pk] for pk in pks if pk in self.slug)


def tree(model: type[Product] | type[Region] | type[Role]) -> Tree:
    return trees(model)[0]


def tree_keys(*models: type[Product] | type[Region] | type[Role]) -> list[str]:
    """Where the trees of these models are cached (for hub.cache.reads_ahead)."""
    return [_CACHE_KEY.format(model._meta.label_lower) for model in models]


def trees(*models: type[Product] | type[Region] | type[Role]) -> tuple[Tree, ...]:
    """The trees of these models, read from the cache in one round trip (or as read ahead)."""
    keys = dict(zip(models, tree_keys(*models), strict=True))
    found = hub_cache.get_many_ahead(list(keys.values()))
    out = []
    for model, key in keys.items():
        rows = found.get(key)
        if rows is None:
            if model is Role:
                rows = [(pk, None, slug) for pk, slug in Role.objects.values_list("pk", "slug")]
            else:
                rows = list(model.objects.values_list("pk", "parent_id", "slug"))
            cache.set(key, rows, timeout=3600)
        out.append(Tree.build(rows))
    return tuple(out)


def invalidate(model) -> None:
    cache.delete(_CACHE_KEY.format(model._meta.label_lower))


@receiver(post_save, sender=Product)
@receiver(post_delete, sender=Product)
@receiver(post_save, sender=Region)
@receiver(post_delete, sender=Region)
@receiver(post_save, sender=Role)
@receiver(post_delete, sender=Role)
def _taxonomy_changed(sender, **kwargs) -> None:
    invalidate(sender)
