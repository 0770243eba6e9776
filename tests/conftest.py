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


def pytest_report_header(config):
    from django.db import connection

    return f"database: {connection.vendor} ({connection.settings_dict['NAME']})"
