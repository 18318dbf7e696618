import datetime
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from procedures.content import read_manual
from procedures.loading import load_manual

SAMPLE_CONTENT = Path(settings.BASE_DIR) / "content"


class ManualBuilder:
    """Writes a small content tree in a temporary folder, in the documented format."""

    def __init__(self, root: Path):
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True)
        self.parts = {1: "Working together", 2: "Child protection concerns"}
        self._write_manual_file()

    def _write_manual_file(self):
        lines = ["title: Test manual", "parts:"]
        for number, title in self.parts.items():
            lines += [f"  - number: {number}", f"    title: {title}"]
        (self.root / "manual.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def chapter(
        self,
        slug,
        body,
        *,
        version=1,
        number="2.1",
        title=None,
        effective=datetime.date(2024, 1, 1),
        summary="First published.",
        related=(),
        extra="",
        part=None,
    ):
        title = title or slug.replace("-", " ").capitalize()
        part = part if part is not None else int(number.split(".")[0])
        front = textwrap.dedent(
            f"""\
            ---
            chapter: "{number}"
            slug: {slug}
            title: "{title}"
            part: {part}
            version: {version}
            effective: {effective.isoformat()}
            summary: "{summary}"
            related: [{", ".join(related)}]
            """
        )
        path = self.root / "chapters" / slug / f"v{version}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front + extra + "---\n" + textwrap.dedent(body), encoding="utf-8")
        return path

    def read(self, **kwargs):
        return read_manual(self.root, **kwargs)

    def load(self):
        return load_manual(self.read())


@pytest.fixture
def manual(tmp_path):
    return ManualBuilder(tmp_path / "content")


@pytest.fixture
def sample_manual(db):
    call_command("load_content", str(SAMPLE_CONTENT), verbosity=0)


@pytest.fixture
def no_page_cache(settings):
    """Every request renders its page: for tests that count what a cache miss costs."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
