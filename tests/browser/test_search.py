"""A practitioner searches in a real browser: the header box on any page, highlighted results,
following one to its section, the no-results page, paging, and all of it without JavaScript;
axe-core checks each page type."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(live_server, sample_manual):
    return live_server.url


def test_search_from_the_header_and_land_on_the_section(site, page, axe_check, console_errors):
    page.goto(site + "/chapters/bullying/")
    page.get_by_label("Search the procedures").fill("county lines")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=county\+lines$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results")
    expect(page.get_by_label("Search the procedures")).to_have_value("county lines")
    results = page.locator(".app-search-results")
    expect(results.locator("mark").first).to_be_visible()
    first = results.get_by_role("link").first
    expect(first).to_contain_text("2.3 Child Criminal Exploitation")
    expect(first).to_contain_text("County lines")
    axe_check(page, "search results")

    first.click()
    expect(page).to_have_url(site + "/chapters/child-criminal-exploitation/#county-lines")
    heading = page.locator("#county-lines")
    expect(heading).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    assert console_errors == []


def test_no_results_page_offers_a_spelling_and_is_accessible(site, page, axe_check):
    page.goto(site + "/search/?q=groming")
    expect(page.get_by_text("There are no matching results")).to_be_visible()
    axe_check(page, "no results")
    page.get_by_role("link", name="grooming").click()
    expect(page).to_have_url(re.compile(r"/search/\?q=grooming$"))
    expect(page.locator(".app-search-results mark").first).to_have_text(re.compile("groom", re.I))


def test_empty_and_odd_searches_get_an_accessible_answer(site, page, axe_check):
    page.goto(site + "/search/?q=")
    expect(page.get_by_text("Enter a word or phrase")).to_be_visible()
    axe_check(page, "empty search")
    page.goto(site + '/search/?q="NEAR(*)"%00&page=-3')
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results")
    axe_check(page, "odd search")


def test_results_are_paged_and_the_pages_are_accessible(site, page, axe_check):
    page.goto(site + "/search/?q=child")
    pagination = page.get_by_role("navigation", name="Results pages")
    expect(pagination).to_be_visible()
    axe_check(page, "first page of results")
    pagination.get_by_role("link", name=re.compile("Next")).click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(pagination.locator("[aria-current=page]")).to_have_text("2")
    axe_check(page, "second page of results")


def test_search_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    page.get_by_label("Search the procedures").fill("LADO")
    page.get_by_label("Search the procedures").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search results")
    page.locator(".app-search-results").get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/chapters/allegations-against-staff-or-volunteers/#"))
    context.close()
