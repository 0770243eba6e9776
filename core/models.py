"""The content generation: a number that changes whenever published content changes.

Database triggers (installed by core/page_cache.py after every `migrate`) bump it in the same
transaction as any insert, update or delete on a table whose rows show on public pages,
whatever made the change: the admin, a command, a service or a queryset's `.update()`. The
page cache keys its entries by it, so a change is seen at the next request in every worker.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentGeneration(models.Model):
    """The one row (id 1) holding the generation; written by triggers only."""

    value = models.BigIntegerField(_("generation"))

    class Meta:
        verbose_name = _("content generation")
        verbose_name_plural = _("content generation")

    def __str__(self) -> str:
        return str(self.value)
