"""Browser fixtures: the real server (`lienthong serve`) started as a subprocess on a free
port, on a fresh SQLite database with the demo units and users and the shipped
procedures, driven by Playwright with the machine's Chromium (Debian's package; never a
browser downloaded by `playwright install`).

The browser tests check the pages, not the database: they run on SQLite only, also when
the rest of the suite runs on PostgreSQL as well."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page
from playwright.sync_api import Error as PlaywrightError

from engine.simulation import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
# /usr/lib/chromium/chromium is the binary itself; /usr/bin/chromium is Debian's wrapper
# script, which prints a harmless warning about its settings file.
CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    # without these the browser keeps trying to reach Google's servers
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
MISSING_CHROMIUM = ("Chromium is not installed ({paths}). The browser tests drive Debian's "
                    "chromium package: `make test` installs it (apt-get install chromium). "
                    "Do not run `playwright install`.")
SERVER_START_SECONDS = 30


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests, so `-m "not browser"` can leave them out; `make test`
    runs them with everything else."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the real server with Chromium")


def chromium_path() -> str:
    for path in CHROMIUM:
        if os.access(path, os.X_OK):
            return path
    pytest.fail(MISSING_CHROMIUM.format(paths=", ".join(CHROMIUM)), pytrace=False)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright's launch options, with Debian's Chromium and quiet flags."""
    return {**browser_type_launch_args, "executable_path": chromium_path(),
            "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser(launch_browser: Callable[..., Browser]) -> Iterator[Browser]:
    """pytest-playwright's browser, with a clear message when Chromium cannot start."""
    try:
        browser = launch_browser()
    except PlaywrightError as exc:
        problem = str(exc)  # failed below, outside the handler, to show this cause alone
    else:
        yield browser
        browser.close()
        return
    pytest.fail(f"Chromium ({chromium_path()}) did not start. The browser tests drive Debian's "
                "chromium package: `make test` installs it (apt-get install chromium); do "
                f"not run `playwright install`.\n\n{problem}", pytrace=False)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any], live_server: str
                         ) -> dict[str, Any]:
    """Every page talks to the live server, in the viewport of the screenshots."""
    return {**browser_context_args, "base_url": live_server, "viewport": VIEWPORT}


# -- the server --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lienthong_command() -> str:
    """The `lienthong` console script of the interpreter running the tests."""
    beside = Path(sys.executable).parent / "lienthong"
    found = str(beside) if beside.exists() else shutil.which("lienthong")
    if found is None:
        pytest.fail("the `lienthong` command is not installed: run `make test`", pytrace=False)
    return found


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.05)  # polling the server's start, not waiting on a page
    state = (f"exited with code {server.returncode}" if server.poll() is not None
             else f"did not answer {url}/healthz within {SERVER_START_SECONDS} s")
    pytest.fail(f"`lienthong serve` {state}. Its output:\n{log.read_text(errors='replace')}",
                pytrace=False)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of `lienthong serve` on a free port, on a new SQLite database with the
    demo units and users and the shipped procedures."""
    folder = tmp_path_factory.mktemp("live")
    # the defaults, whatever the shell that runs the tests has set (e.g. secure cookies)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("LIENTHONG_")}
    env.update(LIENTHONG_DATABASE_URL=f"sqlite:///{folder / 'lienthong.db'}",
               LIENTHONG_SECRET_KEY="browser-tests", PYTHONUNBUFFERED="1")
    command = lienthong_command()
    for args in (["init-db"], ["seed-demo"], ["deploy", str(ROOT / "workflows")]):
        done = subprocess.run([command, *args], env=env, cwd=folder,  # noqa: S603
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"`lienthong {' '.join(args)}` failed:\n{done.stdout}{done.stderr}",
                        pytrace=False)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, cwd=folder, stdout=output, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- people --------------------------------------------------------------------------------------

@pytest.fixture
def sign_in(new_context: Callable[..., BrowserContext]) -> Callable[[str], Page]:
    """A new browser (its own cookies) for a person, signed in through the login form."""

    def open_as(username: str) -> Page:
        page = new_context().new_page()
        page.goto("/login")
        page.get_by_label("Tên đăng nhập").fill(username)
        page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.get_by_role("button", name="Đăng xuất").wait_for()
        return page

    return open_as


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., None]:
    """Save what the person sees as docs/screenshots/<name>.png, for the README: the
    viewport, the whole page, or the page from its top down to an element. Only with
    LIENTHONG_SCREENSHOTS=1, so an ordinary test run leaves the checkout unchanged."""
    wanted = os.environ.get("LIENTHONG_SCREENSHOTS") == "1"
    if wanted:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str, *, full_page: bool = False,
             down_to: Locator | None = None) -> None:
        if not wanted:
            return
        page.evaluate("document.activeElement && document.activeElement.blur()")  # no focus ring
        clip = None
        if down_to is not None:
            bottom = down_to.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY")
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": bottom + 16}
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page or bool(clip),
                        clip=clip, animations="disabled", caret="hide")

    return take
