"""The browser tests' fixtures (Chromium launch, axe-core), shared with tests/browser/."""

from tests.browser.conftest import (  # noqa: F401
    _allow_sync_playwright_beside_django,
    _axe,
    axe_check,
    browser_type_launch_args,
    console_errors,
)
