#!/bin/sh
# The Docker image's start: migrate; load the cycle's records only when LOAD_CYCLE_RECORDS=1,
# the fictional demo (records included) only when LOAD_DEMO=1; then serve. A failed migration
# stops here (the portal cannot work on an old schema); a failed load is reported and the
# portal starts anyway. Neither loads by default: a load recreates a shipped meeting whose
# slug staff changed or that they deleted, so an operator asks for it.
set -u

python manage.py migrate --noinput || exit 1

if [ "${LOAD_DEMO:-0}" = 1 ]; then
  python manage.py load_demo || echo "start-web: load_demo failed; starting the portal without it" >&2
elif [ "${LOAD_CYCLE_RECORDS:-0}" = 1 ]; then
  python manage.py load_cycle_records ||
    echo "start-web: load_cycle_records failed; starting the portal without it" >&2
fi

exec gunicorn --config gunicorn.conf.py cycle_portal.wsgi:application
