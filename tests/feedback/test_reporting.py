"""Report a problem with this page: the link, the form, the limit, what is stored and the
email the background job sends to the partnership's business unit."""

from unittest import mock

import pytest
from django.core import mail

from feedback import tasks
from feedback.models import Feedback

pytestmark = pytest.mark.django_db

FORM = "/chapters/online-safety/feedback/"


def post(client, path=FORM, **data):
    return client.post(path, {"version": "2", "what_is_wrong": "", "email": "", **data})


def test_every_chapter_page_links_to_the_form_for_the_version_read(client, reported_manual):
    current = client.get("/chapters/online-safety/").content.decode()
    old = client.get("/chapters/online-safety/versions/1/").content.decode()
    chosen = client.get("/p/northmoor/chapters/online-safety/").content.decode()
    assert 'href="/chapters/online-safety/feedback/?version=2">Report a problem' in current
    assert 'href="/chapters/online-safety/feedback/?version=1">Report a problem' in old
    assert 'href="/p/northmoor/chapters/online-safety/feedback/?version=2"' in chosen


def test_the_form_names_the_chapter_version_and_who_gets_the_report(client, reported_manual):
    page = client.get(FORM + "?version=1")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2.5 Online safety, version 1" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "no-store" in page["Cache-Control"]
    assert "the regional procedures team" in html
    northmoor = client.get("/p/northmoor" + FORM).content.decode()
    assert "the Northmoor business unit" in northmoor
    eastbrook = client.get("/p/eastbrook" + FORM).content.decode()  # no business unit email
    assert "the regional procedures team" in eastbrook


def test_a_report_is_stored_with_chapter_version_and_partnership(client, reported_manual):
    response = post(
        client,
        "/p/northmoor" + FORM,
        version="1",
        what_is_wrong="The LADO number is out of date.",
        email="reader@example.org",
        about="local",
    )
    assert response.status_code == 302
    assert response["Location"] == "/p/northmoor/chapters/online-safety/feedback/sent/?sent=local"
    feedback = Feedback.objects.get()
    assert (feedback.chapter.slug, feedback.version.number) == ("online-safety", 1)
    assert feedback.partnership.slug == "northmoor"
    assert feedback.what_is_wrong == "The LADO number is out of date."
    assert feedback.email == "reader@example.org"
    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you" in thanks and "It went to the Northmoor business unit" in thanks


def test_a_report_without_a_partnership_or_email_is_stored_too(client, reported_manual):
    post(client, what_is_wrong="Broken link in Grooming.")
    feedback = Feedback.objects.get()
    assert feedback.partnership is None and feedback.email == ""
    assert feedback.version.number == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"what_is_wrong": ""}, "Enter what is wrong with this page"),
        ({"what_is_wrong": "   \n "}, "Enter what is wrong with this page"),
        ({"what_is_wrong": "x" * 2001}, "What is wrong must be 2,000 characters or fewer"),
        ({"what_is_wrong": "bad\x00byte"}, "must contain only letters, numbers and punctuation"),
        ({"what_is_wrong": "Typo.", "email": "not an email"}, "in the correct format"),
        ({"what_is_wrong": "Typo.", "email": "a@b.org\x00"}, "in the correct format"),
        ({"what_is_wrong": "Typo.", "email": "a@example.org\nBcc: x@y.z"}, "correct format"),
    ],
)
def test_a_report_that_cannot_be_sent_says_what_to_fix(client, reported_manual, data, message):
    response = post(client, **data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert 'class="govuk-error-summary"' in html and message in html
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("version", ["", "99", "-1", "1e9", "２", "1\x00", "9" * 40, "abc"])
def test_a_bad_version_number_reports_on_the_current_version(client, reported_manual, version):
    assert client.get(FORM, {"version": version}).status_code == 200
    response = post(client, version=version, what_is_wrong="Typo.")
    assert response.status_code == 302
    assert Feedback.objects.get().version.number == 2


def test_an_unknown_chapter_is_not_found(client, reported_manual):
    assert client.get("/chapters/no-such-chapter/feedback/").status_code == 404
    assert post(client, "/chapters/no-such-chapter/feedback/", what_is_wrong="x").status_code == 404
    assert client.get("/chapters/no-such-chapter/feedback/sent/").status_code == 404
    assert not Feedback.objects.exists()


def test_a_huge_body_is_refused_without_an_error_page(client, reported_manual):
    response = post(client, what_is_wrong="x" * 3_000_000)
    assert response.status_code == 400
    assert not Feedback.objects.exists()


def test_reports_are_limited_per_client(client, reported_manual, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "feedback-client": "2/3600"}
    for _ in range(2):
        assert post(client, what_is_wrong="Typo.").status_code == 302
    refused = post(client, what_is_wrong="Typo.")
    assert refused.status_code == 429
    assert "Reporting a problem has been asked for too many times" in refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert Feedback.objects.count() == 2
    # A mistake in the form is not counted against the reader.
    assert post(client, what_is_wrong="").status_code == 200


def test_the_business_unit_gets_one_email_from_the_background_job(
    client, reported_manual, jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            "/p/northmoor" + FORM,
            what_is_wrong="The LADO number is out of date.",
            email="reader@example.org",
            about="local",
        )
    assert mail.outbox == []  # the request did not wait for the mail server
    jobs()
    feedback = Feedback.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["procedures@northmoor.example"]
    assert message.reply_to == ["reader@example.org"]
    assert message.subject == "Problem reported: 2.5 Online safety"
    assert "The LADO number is out of date." in message.body
    assert "Version: 2" in message.body and "Partnership chosen: Northmoor" in message.body
    assert "/p/northmoor/chapters/online-safety/versions/2/" in message.body
    assert f"/admin/feedback/feedback/{feedback.pk}/change/" in message.body
    # A duplicated or retried job sends nothing more.
    assert tasks.send_problem_report.call(feedback_id=feedback.pk) == "nothing to send"
    jobs()
    assert len(mail.outbox) == 1
    feedback.refresh_from_db()
    assert feedback.emailed_to == "procedures@northmoor.example" and feedback.emailed_at


@pytest.mark.parametrize("prefix", ["", "/p/eastbrook"])
def test_without_a_business_unit_the_regional_address_gets_it(
    client, reported_manual, jobs, django_capture_on_commit_callbacks, settings, prefix
):
    settings.FEEDBACK_REGIONAL_EMAIL = "region@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        post(client, prefix + FORM, what_is_wrong="Typo.", about="local")
    jobs()
    assert [m.to for m in mail.outbox] == [["region@example.org"]]
    assert mail.outbox[0].reply_to == []


def test_a_failed_send_is_tried_again_later(
    client, reported_manual, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, what_is_wrong="Typo.")
    feedback = Feedback.objects.get()
    with (
        mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")),
        mock.patch.object(tasks.jobs, "retry_later") as retry,
    ):
        assert tasks.send_problem_report.call(feedback_id=feedback.pk) == "failed"
    retry.assert_called_once()
    feedback.refresh_from_db()
    assert feedback.emailed_at is None  # free to be claimed by the retry
    assert tasks.send_problem_report.call(feedback_id=feedback.pk).startswith("sent to")


def test_a_problem_in_the_regional_text_goes_to_the_regional_team_from_a_partnership_page(
    client, reported_manual, jobs, django_capture_on_commit_callbacks, settings
):
    settings.FEEDBACK_REGIONAL_EMAIL = "region@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, "/p/northmoor" + FORM, what_is_wrong="Grooming: wrong law.", about="regional"
        )
    jobs()
    assert [m.to for m in mail.outbox] == [["region@example.org"]]
    assert "About: the regional procedure" in mail.outbox[0].body
    thanks = client.get(response["Location"]).content.decode()
    assert "It went to the regional procedures team" in thanks
    assert Feedback.objects.get().about == Feedback.About.REGIONAL


def test_a_problem_in_local_information_goes_to_the_partnership_and_says_so(
    client, reported_manual, jobs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, "/p/northmoor" + FORM, what_is_wrong="The hub moved.", about="local"
        )
    jobs()
    assert [m.to for m in mail.outbox] == [["procedures@northmoor.example"]]
    assert "About: Northmoor's local information or contacts" in mail.outbox[0].body
    thanks = client.get(response["Location"]).content.decode()
    assert "It went to the Northmoor business unit" in thanks


def test_under_a_partnership_the_form_asks_which_part_is_wrong(client, reported_manual):
    response = post(client, "/p/northmoor" + FORM, what_is_wrong="Something is wrong.")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Select which part of the page is wrong" in html
    assert Feedback.objects.count() == 0
    # With no partnership chosen there is only the regional text to be wrong.
    assert "Which part of the page is wrong?" not in client.get(FORM).content.decode()
