FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -e .
# collectstatic only needs the settings to import; the real key comes from the environment.
RUN DEBUG=0 SECRET_KEY=collectstatic-only STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "cycle_portal.wsgi:application", "--bind", "0.0.0.0:8000"]
