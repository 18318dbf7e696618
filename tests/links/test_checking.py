"""The link checker against a local server (tests/links/conftest.py): what it reports, what it
does not, and how politely and safely it asks."""

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from links import report
from links.checking import check_links
from links.fetching import BROKEN, MOVED, OK, WITHDRAWN, Fetcher, HostPacer, Politeness
from links.models import ExternalLink

pytestmark = pytest.mark.django_db


def fetcher():
    return Fetcher(Politeness.from_settings())


def test_a_404_a_redirect_a_timeout_and_a_withdrawn_page_are_reported_and_a_working_page_is_not(
    local_checks, manual, capsys
):
    site = local_checks
    manual.chapter(
        "online-safety",
        f"""\
        ## Reporting {{#reporting}}

        Read [the working page]({site.url("/working")}), [a lost page]({site.url("/not-found")}),
        [a moved page]({site.url("/moved")}), [a slow page]({site.url("/slow")}) and
        [old guidance]({site.url("/withdrawn", host="localhost")}).
        """,
        number="2.5",
        title="Online safety",
    )
    manual.load()
    call_command("check_links")
    output = capsys.readouterr().out

    found = {link.url: link for link in ExternalLink.objects.all()}
    assert found[site.url("/working")].status == OK
    assert found[site.url("/working")].last_ok_at is not None
    lost = found[site.url("/not-found")]
    assert (lost.status, lost.http_status, lost.problem) == (BROKEN, 404, "404 Not Found")
    moved = found[site.url("/moved")]
    assert (moved.status, moved.redirect_to) == (MOVED, site.url("/working"))
    slow = found[site.url("/slow")]
    assert (slow.status, slow.problem) == (BROKEN, "no answer within 0.5 seconds")
    assert slow.last_ok_at is None
    withdrawn = found[site.url("/withdrawn", host="localhost")]
    assert withdrawn.status == WITHDRAWN
    assert withdrawn.withdrawn_notice == "This guidance was withdrawn on 12 July 2016"

    ((chapter, entries),) = report.by_chapter()
    assert chapter == "2.5 Online safety"
    reported = {entry.link.url for entry in entries}
    assert reported == {
        site.url("/not-found"),
        site.url("/moved"),
        site.url("/slow"),
        site.url("/withdrawn", host="localhost"),
    }
    assert f": {site.url('/working')} (" not in output  # listed only as where one moved to
    assert "Links: 5 checked (broken 2, moved 1, ok 1, withdrawn 1)." in output
    assert f"moved: {site.url('/moved')} (now at {site.url('/working')})" in output


def test_head_first_and_get_only_when_head_is_refused(local_checks):
    site = local_checks
    assert fetcher().check(site.url("/working")).status == OK
    assert fetcher().check(site.url("/no-head")).status == OK
    assert site.requests[0][:2] == ("HEAD", "/working")
    assert [m for m, path, _ in site.requests if path == "/no-head"] == ["HEAD", "GET"]
    assert site.paths("GET") == ["/no-head"]


def test_a_temporary_redirect_still_works(local_checks):
    answer = fetcher().check(local_checks.url("/temporary"))
    assert (answer.status, answer.redirect_to) == (OK, "")


def test_an_answer_that_may_pass_is_asked_again(local_checks):
    site = local_checks
    assert fetcher().check(site.url("/flaky")).status == OK
    assert site.paths().count("/flaky") >= 2  # 503 first, then asked again


def test_every_request_names_the_portal(local_checks):
    site = local_checks
    fetcher().check(site.url("/moved"))
    agents = {agent for _, _, agent in site.requests}
    assert agents == {django_settings.LINKS_USER_AGENT}
    assert django_settings.PORTAL_NAME in django_settings.LINKS_USER_AGENT


def test_private_and_local_addresses_are_never_fetched_in_production(site, settings):
    assert settings.LINKS_ALLOW_PRIVATE_ADDRESSES is False
    for url in (site.url("/working"), site.url("/working", host="localhost")):
        answer = Fetcher(Politeness.from_settings()).check(url)
        assert answer.status == BROKEN
        assert "private or local network" in answer.problem
    assert site.requests == []


def test_only_web_addresses_are_fetched(local_checks):
    answer = fetcher().check("ftp://127.0.0.1/file")
    assert (answer.status, answer.problem) == (
        BROKEN,
        "not checked: only http and https addresses are checked",
    )


def test_one_host_is_asked_at_most_once_per_interval():
    now, slept = [100.0], []
    pacer = HostPacer(
        2.0, clock=lambda: now[0], sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s))
    )
    pacer.wait("www.gov.uk")
    now[0] += 0.5
    pacer.wait("www.legislation.gov.uk")  # another host: no wait
    pacer.wait("www.gov.uk")
    assert slept == [1.5]


def test_links_are_checked_taking_turns_between_hosts(local_checks):
    site = local_checks
    urls = [site.url("/working"), site.url("/temporary"), site.url("/working", host="localhost")]
    check_links(urls=urls, fetcher=fetcher())
    hosts = [agent for agent in site.requests]  # every request reached the one local server
    assert len(hosts) >= 3
    assert ExternalLink.objects.count() == 3
