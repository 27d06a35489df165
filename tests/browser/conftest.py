"""Browser fixtures: the real production server (`lienthong serve`, tests/live_server.py)
started as a subprocess on a free port, on a fresh SQLite database with the demo units
and users and the shipped procedures, driven by Playwright with the machine's Chromium
(Debian's package; never a browser downloaded by `playwright install`).

The browser tests check the pages, not the database: they run on SQLite only, also when
the rest of the suite runs on PostgreSQL as well."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page
from playwright.sync_api import Error as PlaywrightError

from engine.simulation import DEMO_PASSWORD
from tests.live_server import LiveServer, live_server

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
def browser_context_args(browser_context_args: dict[str, Any], live_server_url: str
                         ) -> dict[str, Any]:
    """Every page talks to the live server, in the viewport of the screenshots."""
    return {**browser_context_args, "base_url": live_server_url, "viewport": VIEWPORT}


# -- the server ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The production server (`lienthong serve`) on a new demo database."""
    with live_server(tmp_path_factory.mktemp("live")) as running:
        yield running


@pytest.fixture(scope="session")
def live_server_url(server: LiveServer) -> str:
    return server.url


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
