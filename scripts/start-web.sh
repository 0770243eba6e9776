#!/bin/sh
# The Docker image's start: migrate, load the fictional demo only when LOAD_DEMO=1, then
# serve. A failed migration stops here (the portal cannot work on an old schema); a failed
# demo load is reported and the portal starts anyway.
set -u

python manage.py migrate --noinput || exit 1

if [ "${LOAD_DEMO:-0}" = 1 ]; then
  python manage.py load_demo || echo "start-web: load_demo failed; starting the portal without it" >&2
fi

exec gunicorn --config gunicorn.conf.py cycle_portal.wsgi:application
