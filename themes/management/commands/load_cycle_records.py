"""Load the cycle's own records: its first meeting, 15 April 2025 in Geneva, with its findings.

Everything said about it comes from its published report (`themes/demo/cycle_records.json`):
no hours, sessions or speakers are given there, so none are stored. A production site loads
this without the fictional example of `load_demo`.
"""

from django.utils.translation import gettext_lazy as _

from themes.demo import CYCLE_RECORDS, LoadCommand


class Command(LoadCommand):
    names = [CYCLE_RECORDS]
    help_text = _(
        "Load the cycle's own records: the themes, the cycle, its strategic projects and "
        "organisers, and the meeting of 15 April 2025 with its findings. It creates what is "
        "missing and never changes, republishes or deletes what exists: a meeting that exists "
        "is left as it is, with everything in it. Use --reset to restore the shipped content."
    )
    reset_help = _(
        "Restore the cycle's records to their shipped content: texts, status, dates, "
        "organisers and findings, and recreate those deleted. Rows staff added are kept."
    )
    nothing_created = _("Created nothing: the cycle's records are there.")
