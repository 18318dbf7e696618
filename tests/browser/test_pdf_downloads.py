"""A reader downloads the manual, or one chapter, as a PDF: told it is being prepared until
the worker has built it, then given it; every page axe-core clean, and no JavaScript needed."""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.conftest import run_jobs


def pdf_text(response):
    assert response.headers["content-type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.body())).pages)


def test_downloading_the_whole_manual(
    live_server, page, axe_check, console_errors, manual_as_it_stands_today
):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Download every current chapter as one PDF").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download the manual as a PDF")
    expect(page.locator(".app-pdf-status")).to_contain_text("is being prepared")
    axe_check(page, "download page, PDF being prepared")

    run_jobs()  # the worker builds it
    page.get_by_role("link", name="reload this page").click()
    download = page.get_by_role("link", name="Download the whole manual (PDF")
    expect(download).to_be_visible()
    axe_check(page, "download page, PDF ready")
    text = pdf_text(page.request.get(live_server.url + download.get_attribute("href")))
    assert "Regional text only" in text and "Contents" in text
    assert console_errors == []


def test_downloading_a_chapter_for_a_partnership(
    live_server, page, axe_check, manual_as_it_stands_today
):
    page.goto(live_server.url + "/p/northmoor/chapters/referrals/")
    page.get_by_role("link", name="Download version 2 as a PDF").click()
    expect(page.locator(".app-pdf-status")).to_contain_text("This PDF is being prepared")
    expect(page.get_by_text("local information for Northmoor")).to_be_visible()
    axe_check(page, "chapter PDF being prepared")

    run_jobs()
    again = page.get_by_role("link", name="try the download again")
    text = pdf_text(page.request.get(live_server.url + again.get_attribute("href")))
    assert "Local information: Northmoor" in text


def test_the_download_page_works_without_javascript(live_server, browser, sample_manual):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/downloads/")
    expect(page.locator(".app-pdf-status")).to_contain_text("is being prepared")
    run_jobs()
    page.get_by_role("link", name="reload this page").click()
    href = page.get_by_role("link", name="Download the whole manual (PDF").get_attribute("href")
    assert "Contents" in pdf_text(page.request.get(live_server.url + href))
    context.close()


def test_a_pdf_address_that_leads_nowhere_gets_a_friendly_page(
    live_server, page, axe_check, manual_as_it_stands_today
):
    response = page.goto(live_server.url + "/chapters/online-safety/versions/9/pdf/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe_check(page, "PDF address that leads nowhere")
