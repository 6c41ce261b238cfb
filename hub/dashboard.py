"""Panels on the personal dashboard, contributed by the apps.

An app registers a function that takes the request and returns the context of its panel, or
None to show nothing; the panel's template receives that context as `panel`. Each function
must run a fixed number of SQL queries (the dashboard's query count is asserted).

    @dashboard.panel("learning/panels/continue.html", order=20)
    def continue_learning(request):
        return {"course": ...} or None

Apps import their `dashboard` module in AppConfig.ready().
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    template: str
    order: int
    context: Callable[[HttpRequest], dict | None]


_PANELS: list[Panel] = []


def panel(template: str, *, order: int = 50):
    def register(func):
        _PANELS.append(Panel(template, order, func))
        _PANELS.sort(key=lambda p: p.order)
        return func

    return register


def panels_for(request: HttpRequest) -> list[tuple[str, dict]]:
    """(template, context) for every panel that has something to show to this person."""
    shown = []
    for p in _PANELS:
        context = p.context(request)
        if context is not None:
            shown.append((p.template, context))
    return shown
