"""The running header and footer of a printed version come from its print stylesheet."""

import pytest

from procedures.views import css_string


def test_css_string_keeps_quotes_and_backslashes_as_text():
    assert css_string('2.5 "Online" \\ safety') == '"2.5 \\22 Online\\22  \\5c  safety"'
    assert css_string("a\nb") == '"a\\a b"'


@pytest.mark.django_db
def test_print_stylesheet_names_chapter_version_and_check_address(client, sample_manual):
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
