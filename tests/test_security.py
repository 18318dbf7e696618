"""Markdown never becomes script, and the editor's endpoints are for staff only."""

import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from procedures.admin.preview import render_preview
from procedures.rendering import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<a href='javascript:alert(1)'>x</a>",
    "<svg onload=alert(1)>",
    "<iframe src='https://example.org'></iframe>",
    "<style>body{display:none}</style>",
    "## Heading {onclick=alert(1)}",
    '## Heading {: style="x" }',
    "<div onmouseover=alert(1)>x</div>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<<script>script>alert(1)<</script>/script>",
]


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements_of(html):
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_never_renders_script_or_handlers(source):
    rendered = render_markdown(source)
    for tag, attributes in elements_of(rendered.html):
        assert tag not in {"script", "img", "svg", "iframe", "style", "object", "embed"}
        for name, value in attributes.items():
            assert not name.startswith("on"), (tag, name)
            assert name != "style"
            if name in {"href", "src"}:
                assert value.split(":", 1)[0].lower().strip() in {
                    "http",
                    "https",
                    "mailto",
                    "tel",
                } or value.startswith(("/", "#"))


def test_preview_is_sanitised_and_lists_problems(db):
    preview = render_preview("Hello <script>alert(1)</script> [[no-such-chapter]]")
    assert "<script" not in preview
    assert "cannot be published until these are fixed" in preview
    assert "unknown chapter &#x27;no-such-chapter&#x27;" in preview or "no-such-chapter" in preview


def test_markdownx_preview_refuses_anonymous_users(client, db):
    response = client.post("/markdownx/markdownify/", {"content": "**x**"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_markdownx_preview_renders_for_staff_with_our_renderer(client, db):
    staff = User.objects.create_user("editor", password="pw-for-tests-only", is_staff=True)
    client.force_login(staff)
    response = client.post("/markdownx/markdownify/", {"content": "## Hi {#hi}\n\n<b>x</b>"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="hi"' in body and "govuk-heading-m" in body
    assert "<b>" not in body


def test_markdownx_upload_is_not_mounted(client, db):
    assert client.post("/markdownx/upload/").status_code == 404


def test_load_content_exits_non_zero_and_explains(tmp_path):
    (tmp_path / "manual.yaml").write_text("title: x\nparts: []\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "load_content", str(tmp_path)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        env={"DEBUG": "1", "PATH": "", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"},
        # The database is deliberately not migrated: the command must say what to do.
        timeout=120,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "run 'python manage.py migrate' first" in result.stderr


def test_load_content_names_the_problem_file_and_line(tmp_path):
    (tmp_path / "manual.yaml").write_text("title: x\nparts: []\n", encoding="utf-8")
    db_url = f"sqlite:///{tmp_path}/db.sqlite3"
    env = {"DEBUG": "1", "PATH": "", "DATABASE_URL": db_url}
    run = dict(cwd=settings.BASE_DIR, capture_output=True, text=True, env=env, timeout=120)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], check=True, **run)
    result = subprocess.run([sys.executable, "manage.py", "load_content", str(tmp_path)], **run)
    assert result.returncode == 1
    assert "Nothing was loaded" in result.stderr
    assert "manual.yaml, line 1: list at least one part under 'parts'" in result.stderr
