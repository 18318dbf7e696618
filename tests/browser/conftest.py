"""Browser tests: Playwright for Python driving Debian's Chromium against live_server.

Every test here is marked `browser`. Use `axe_check(page)` on each page type: it fails the test
with axe-core's report when any WCAG 2.0/2.1/2.2 A or AA rule is violated.
"""

import os
import re
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from tests.conftest import SAMPLE_CONTENT

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# inside one unless told it is safe (it is: the loop is Playwright's, not ours). Set for the
# whole session, since pytest-django flushes the database after the test's own fixtures end.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (Debian: apt-get install chromium) "
            "or set CHROMIUM_PATH"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def _axe():
    return Axe()


@pytest.fixture
def axe_check(_axe):
    def check(page, label=""):
        results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, (
            f"axe-core found accessibility violations on {label or page.url}:\n"
            + results.generate_report()
        )

    return check


@pytest.fixture
def axe_check_everything(_axe):
    """axe_check with every rule axe-core runs by default, best practices included (heading
    order, landmarks, a page heading ...), for the admin pages a procedures manager uses."""

    def check(page, label=""):
        results = _axe.run(page)
        assert results.violations_count == 0, (
            f"axe-core found problems (best practice included) on {label or page.url}:\n"
            + results.generate_report()
        )

    return check


@pytest.fixture
def console_errors(page):
    """JavaScript errors and CSP violations on the page; tests assert it stays empty."""
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    return errors


@pytest.fixture
def manual_as_it_stands_today(db, tmp_path):
    """The sample manual without versions scheduled after today (Online safety 3 takes effect
    on 7 December 2026, Northmoor's next local information on 4 January 2027), for stories
    that publish an amendment taking effect today after every version already published."""
    folder = tmp_path / "content"
    shutil.copytree(SAMPLE_CONTENT, folder)
    today = timezone.localdate().isoformat()
    versions = [*folder.glob("chapters/*/v*.md"), *folder.glob("partnerships/*/local/*/v*.md")]
    for path in versions:
        effective = re.search(r"^effective: (\S+)$", path.read_text(encoding="utf-8"), re.M)
        if effective.group(1) > today:
            path.unlink()
    call_command("load_content", str(folder), verbosity=0)


@pytest.fixture
def editor_and_publisher(db):
    """Edna the editor and Pat the publisher, each signing in with the password
    "a-long-test-password" and, as the admin asks for a second factor, a backup code
    "<name>-backup-code" (each use spends one of five)."""
    users = {}
    for name, group in [("edna", "Editor"), ("pat", "Publisher")]:
        user = User.objects.create_user(
            name, f"{name}@example.org", "a-long-test-password", is_staff=True
        )
        user.groups.add(Group.objects.get(name=group))
        device = StaticDevice.objects.create(user=user, name="Backup codes")
        for _ in range(5):
            device.token_set.create(token=f"{name}-backup-code")
        users[name] = user
    return users


# Online safety as it stands before 7 December 2026 (version 2) has four dead ends
# (procedures/dead_ends.py), which its next version must put right before it can be
# published: what version 3 did, in the words an editor would write.
DEAD_END_FIXES = {
    "either contact your agency’s safeguarding lead or email": (
        "either contact your agency’s safeguarding lead or report it through "
        "[Report Extremism in Education](https://report-extremism.education.gov.uk/)."
    ),
    "(See Safety features on social networks - UK - Safer Internet Centre).": (
        "(See [Safety features on social networks](https://saferinternet.org.uk/guide-and-resource/))."
    ),
    "this page can confidentially help you": (
        "[Report Remove](https://www.childline.org.uk/info-advice/bullying-abuse-safety/"
        "online-mobile-safety/remove-nude-image-shared-online/) can confidentially help you"
    ),
    "For more information on online hate crime visit:": (
        "For more information on online hate crime visit [True Vision](https://www.report-it.org.uk/)."
    ),
}


def without_dead_ends(text):
    """The text with whichever of those dead ends it still has put right (none are left in
    version 5, in force from 7 December 2026)."""
    for old, new in DEAD_END_FIXES.items():
        text = text.replace(old, new)
    return text
