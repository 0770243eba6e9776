import pytest
from django.utils import translation

from tests.factories import StaffFactory


@pytest.fixture(autouse=True)
def _french_by_default():
    """Each test starts in the site's default language, whatever the previous one did."""
    with translation.override("fr"):
        yield


@pytest.fixture
def staff_client(client, db):
    client.force_login(StaffFactory())
    return client


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgresql` are skipped on another database (the quick start's SQLite).

    CI runs them on PostgreSQL, and deselects them (`-m "not postgresql"`) in its SQLite run.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; CI runs it on PostgreSQL")
    for item in items:
        if item.get_closest_marker("postgresql"):
            item.add_marker(skip)


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"
