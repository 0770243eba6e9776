"""Browser tests: Debian's headless Chromium, driven by Selenium against pytest-django's
`live_server`. Nothing is ever downloaded: the browser and the driver are given by path, so
Selenium Manager is never called (and is told to stay offline in case it were).
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache

from tests.participants.conftest import open_meeting, session  # noqa: F401

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1024",
]
# Seconds a page may take to load: this machine may be slow, the browser shares its two cores.
PAGE_LOAD_TIMEOUT = 30


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """The registration form's rate limits live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the whole module: starting it takes seconds."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        message = f"browser tests need Debian's chromium and chromium-driver: no {missing}"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs them: a browser test is never skipped there
        pytest.skip(message)

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="cycle-e2e-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in [*CHROMIUM_ARGUMENTS, f"--user-data-dir={profile}"]:
        options.add_argument(argument)
    # Keeps the console messages of the pages, read with driver.get_log("browser").
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SE_OFFLINE", "true")
            driver = webdriver.Chrome(
                service=Service(executable_path=str(CHROMEDRIVER)), options=options
            )
    except BaseException:
        shutil.rmtree(profile, ignore_errors=True)
        raise
    driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def browser(chromium, live_server):
    """The module's browser, with no cookies and an empty console log from earlier tests."""
    chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
    chromium.get("about:blank")
    chromium.get_log("browser")
    yield chromium
    chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})
