"""gunicorn's settings for the portal, read by the Docker image's command.

Anything here can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import os

bind = "0.0.0.0:8000"
workers = int(os.environ.get("GUNICORN_WORKERS") or 3)
# Every request on standard output, with the tokens of participants' links and every query
# string redacted (core/access_log.py). No client address: it is personal data, and the
# reverse proxy in front keeps its own log.
accesslog = "-"
errorlog = "-"
logger_class = "core.access_log.TokenRedactingLogger"
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
