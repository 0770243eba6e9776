"""Take the README's screenshots in Debian's headless Chromium: `make screenshots`.

It builds a fresh SQLite database with the demo (`load_demo`) and a throwaway staff account,
serves the portal on a free local port, and writes docs/screenshots/:
- meeting-fr.png: the 15 April 2025 meeting, in French, 1280 px wide;
- meeting-fr-phone.png: the same page 390 px wide;
- explorer-en.png: the findings explorer, in English;
- admin-meeting.png: the admin form of that meeting.

Nothing is downloaded: the browser and its driver are Debian's (chromium, chromium-driver),
started by scripts/chromium.py.
`--out DIR` writes elsewhere (for before/after comparisons).
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import chromium  # scripts/chromium.py, beside this file
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parent.parent
SLUG = "ia-paix-securite-internationale-2025"
MEETING = f"/fr/rencontres/{SLUG}/"
PAGES = [
    # file name, path, width, height (None: the whole page)
    ("meeting-fr.png", MEETING, 1280, None),
    ("meeting-fr-phone.png", MEETING, 390, None),
    ("explorer-en.png", "/en/findings/", 1280, None),
]
STAFF = ("screenshots", "screenshots-Pass-2026")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *arguments, **options):
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=True, **options
    )


def serve(env, port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the development server did not start")


def shoot(driver, url: str, width: int, height: int | None, path: Path) -> None:
    driver.set_window_size(width, height or 900)
    driver.get(url)
    if height is None:
        full = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(full, 6000))
    driver.save_screenshot(str(path))
    print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    out = parser.parse_args().out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = tempfile.mkdtemp(prefix="cycle-screenshots-")
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{work}/portal.db",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "MEDIA_ROOT": f"{work}/media",
    }
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo", stdout=subprocess.DEVNULL)
    username, password = STAFF
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": password},
        "createsuperuser",
        "--noinput",
        f"--username={username}",
        "--email=screenshots@example.org",
    )
    pk = manage(
        env,
        "shell",
        "-c",
        f"from events.models import Meeting; print(Meeting.objects.get(slug='{SLUG}').pk)",
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    server = serve(env, port)
    driver = chromium.start(f"{work}/profile", "--hide-scrollbars")
    base = f"http://127.0.0.1:{port}"
    try:
        for name, path, width, height in PAGES:
            shoot(driver, base + path, width, height, out / name)
        driver.set_window_size(1280, 900)
        driver.get(f"{base}/fr/admin/login/")
        driver.find_element(By.NAME, "username").send_keys(username)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "[type=submit]").click()
        shoot(
            driver,
            f"{base}/fr/admin/events/meeting/{pk}/change/",
            1280,
            None,
            out / "admin-meeting.png",
        )
    finally:
        driver.quit()
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
