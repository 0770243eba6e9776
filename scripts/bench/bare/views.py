from django.db import connection
from django.shortcuts import render


def row(request):
    """One row of the one table (scripts/bench/run.py creates it), through a template."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, title, body FROM bench_row WHERE id = %s", [1])
        pk, title, body = cursor.fetchone()
    return render(request, "row.html", {"pk": pk, "title": title, "body": body})
