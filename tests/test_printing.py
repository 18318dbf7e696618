"""The running header and footer of a printed version come from its print stylesheet."""

import datetime

import pytest

from procedures.views import css_string


def test_css_string_keeps_quotes_and_backslashes_as_text():
    assert css_string('2.5 "Online" \\ safety') == '"2.5 \\22 Online\\22  \\5c  safety"'
    assert css_string("a\nb") == '"a\\a b"'


@pytest.fixture
def in_june_2025(monkeypatch):
    """Online safety version 2 is in force (version 5 takes effect on 7 December 2026)."""
    day = datetime.date(2025, 6, 2)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)


@pytest.mark.django_db
def test_print_stylesheet_names_chapter_version_and_check_address(
    client, sample_manual, in_june_2025
):
    response = client.get("/chapters/online-safety/versions/2/print.css")
    assert response["Content-Type"].startswith("text/css")
    assert response["Cache-Control"] == "no-cache"
    css = response.content.decode()
    assert '"2.5 Online safety: Children exposed to abuse through digital media"' in css
    assert '"Version 2, effective 21 June 2024"' in css
    assert '"http://testserver/v/online-safety/2/"' in css
    assert 'counter(page) " of " counter(pages)' in css
    assert "Superseded" not in css
    old = client.get("/chapters/online-safety/versions/1/print.css").content.decode()
    assert '"Superseded: do not act on it"' in old
    assert client.get("/chapters/online-safety/versions/9/print.css").status_code == 404


@pytest.mark.django_db
def test_a_partnerships_print_stylesheet_names_its_versions_and_its_check_address(
    client, sample_manual, in_june_2025
):
    css = client.get("/p/northmoor/chapters/online-safety/versions/2/print.css").content.decode()
    assert (
        '"With local information for Northmoor Safeguarding Children Partnership (fictional): '
        'local information version 1, contacts version 1. " "Printed on "' in css
    )
    assert '"http://testserver/p/northmoor/v/online-safety/2/?local=1&contacts=1"' in css
    page = client.get("/p/northmoor/chapters/online-safety/versions/2/").content.decode()
    assert (
        'data-check-url="http://testserver/p/northmoor/v/online-safety/2/?local=1&amp;contacts=1"'
        in page
    )
    assert "local information version 1, contacts version 1. " in page  # for print-margins.js
    # A chapter without Northmoor's local information says so on every page.
    css = client.get("/p/northmoor/chapters/bullying/versions/1/print.css").content.decode()
    assert "no local information in this chapter, contacts version 1" in css
    assert "/p/northmoor/v/bullying/1/?local=0&contacts=1" in css
