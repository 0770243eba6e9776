"""Debian's headless Chromium, as the project's scripts drive it (scripts/screenshots.py).

Nothing is downloaded: the browser and its driver are Debian's (chromium, chromium-driver),
given by path, and Selenium Manager is told to stay offline. tests/e2e/conftest.py starts its
own browser with the same arguments: scripts/ is not a package, so the tests do not import it.
"""

import os
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def start(profile: str, *extra: str):
    """A headless Chromium with its profile in the folder `profile`; `extra`: more arguments."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in [*ARGUMENTS, *extra, f"--user-data-dir={profile}"]:
        options.add_argument(argument)
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager never downloads a browser
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
