FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 STATIC_ROOT=/app/staticfiles
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e .
# collectstatic only needs the settings to import: a throwaway key, never used to sign anything.
RUN DEBUG=0 SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python manage.py collectstatic --noinput
# The portal runs as an unprivileged user. The code stays root's (read-only to it); it may
# write only its home (gunicorn's control socket) and /app itself (a SQLite file, when no
# DATABASE_URL is given).
RUN useradd --system --create-home --uid 10001 portal && mkdir -p /app/media && chown portal:portal /app /app/media
USER portal
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
    CMD ["python", "-m", "core.healthcheck"]
# migrate, LOAD_DEMO=1 loads the demo, then gunicorn with gunicorn.conf.py.
CMD ["sh", "scripts/start-web.sh"]
