"""Load the demonstration data: the cycle's own records (see `load_cycle_records`) and a
fictional example meeting, dated from today, to try registration with.

The content is in `themes/demo/*.json`; `themes.demo` reads it. Running the command again
creates only what is missing and leaves staff's edits alone; `--reset` restores the shipped
content.
"""

from django.utils.translation import gettext_lazy as _

from themes.demo import CYCLE_RECORDS, EXAMPLE, LoadCommand

# The slugs the browser tests open the demo's pages by (they are in the data files).
MEETING_SLUG = "ia-paix-securite-internationale-2025"
EXAMPLE_SLUG = "exemple-rencontre-fictive"
OIF = "oif"


class Command(LoadCommand):
    names = [CYCLE_RECORDS, EXAMPLE]
    help_text = _(
        "Load the demonstration data: the themes, the cycle, its strategic projects and "
        "organisers, the meeting of 15 April 2025 with its findings, and a fictional example "
        "meeting. It creates what is missing and never changes, republishes or deletes what "
        "exists: a demo meeting that exists is left as it is, with everything in it. Use "
        "--reset to restore the shipped content."
    )
    reset_help = _(
        "Restore the demo rows to their shipped content: texts, status, dates, organisers, "
        "findings, sessions and speakers, and recreate those deleted. Rows staff added are kept."
    )
    nothing_created = _("Created nothing: the demo data is there.")
