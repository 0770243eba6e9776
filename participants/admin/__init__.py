"""Staff side of the participants app, one module per page group: registrations (participants,
registrations, CSV lists), the meetings' and sessions' pages as this app extends them, messages
to participants with the record of every e-mail, and the feedback answers."""

from . import feedback, meetings, messages, registrations  # noqa: F401 - they register
