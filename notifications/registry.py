"""The kinds of notification, declared by the apps that send them (label shown in settings)."""

from django.utils.functional import Promise

KINDS: dict[str, str | Promise] = {}


def register_kind(key: str, label: str | Promise) -> None:
    KINDS[key] = label


def label_of(key: str) -> str | Promise:
    return KINDS.get(key, key)
