from django.db import models


class IndexOutbox(models.Model):
    """One search document that must be (re)written or removed. Written in the same
    transaction as the content change; deleted once Meilisearch has confirmed the write."""

    doc_id = models.CharField(max_length=120, db_index=True)
    model = models.CharField(max_length=100)
    object_pk = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "search outbox row"

    def __str__(self) -> str:
        return self.doc_id
