from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexOutbox(models.Model):
    """One search document that must be (re)written or removed. Written in the same
    transaction as the content change; deleted once Meilisearch has confirmed the write.

    `attempts` counts every try. `next_attempt_at` is set only when this document itself
    failed (its `search_document()` raised, or Meilisearch refused it): the drain leaves the
    row until then, so one bad document never holds back the others."""

    doc_id = models.CharField(max_length=120, db_index=True)
    model = models.CharField(max_length=100)
    object_pk = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "search outbox row"

    def __str__(self) -> str:
        return self.doc_id


class SynonymGroup(models.Model):
    """Words that mean the same in a search ("wifi, wlan, wireless"): editors keep them as a
    Wagtail snippet; saving queues a push of all groups to the index settings (outbox)."""

    terms = models.TextField(
        _("terms"),
        max_length=1000,
        help_text=_("Words or phrases that mean the same, separated by commas."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")

    def __str__(self) -> str:
        return ", ".join(self.term_list())

    def term_list(self) -> list[str]:
        seen: dict[str, None] = {}
        for raw in self.terms.replace("\n", ",").split(","):
            term = " ".join(raw.split()).lower()[:80]
            if term:
                seen.setdefault(term, None)
        return list(seen)[:50]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if len(self.term_list()) < 2:
            raise ValidationError({"terms": _("Give at least two words, separated by commas.")})


class SearchQueryLog(models.Model):
    """One search, pseudonymous: the normalised query text, never who asked. `visitor` is a
    hash salted with a key that changes every day (and is then forgotten), so it counts
    distinct searchers per day without linking days or people."""

    day = models.DateField(db_index=True)
    query = models.CharField(max_length=200)
    hits = models.PositiveIntegerField(default=0)
    visitor = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("search query log entry")
        indexes = [models.Index(fields=["day", "query"], name="search_query_day_query")]

    def __str__(self) -> str:
        return f"{self.day} {self.query}"


class SearchClickLog(models.Model):
    """A click on a search result: which normalised query, which position, which document."""

    day = models.DateField(db_index=True)
    query = models.CharField(max_length=200)
    position = models.PositiveIntegerField()
    doc_id = models.CharField(max_length=120)
    visitor = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("search click log entry")
        indexes = [models.Index(fields=["day", "query"], name="search_click_day_query")]

    def __str__(self) -> str:
        return f"{self.day} {self.query} #{self.position}"
