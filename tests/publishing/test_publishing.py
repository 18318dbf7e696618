"""Publishing drafts and releases: checked, all or nothing, history never rewritten."""

import datetime

import pytest
from django.test import override_settings

from procedures import selectors
from procedures.models import Chapter, ChapterSlug, ChapterVersion, Draft, Part, Release
from procedures.publishing import PublishingError
from tests.publishing.helpers import publish

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def version_fields(version):
    return {
        f.name: getattr(version, f.attname)
        for f in ChapterVersion._meta.concrete_fields
        if f.name != "valid_until"
    }


def test_publishing_a_draft_stores_the_next_version_and_who_and_when(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of(
        "online-safety",
        by=editor,
        replace={"Live streaming carries grooming risks.": "Live streaming can expose children."},
        summary="Live streaming section rewritten.",
    )
    (version,) = publish(by=publisher, draft=draft)
    assert (version.number, version.change) == (2, "updated")
    assert version.published_by == publisher and version.published_at is not None
    assert version.effective_date == TODAY
    assert "Live streaming can expose children." in version.html
    assert version.sections.filter(anchor="live-streaming").exists()
    assert version.links.get().target.slug == "bullying"
    assert [c.slug for c in version.related.all()] == ["bullying"]
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_version == version
    assert selectors.current_version(version.chapter) == version


def main_of(response):
    page = response.content.decode()
    return page[page.index("<main") : page.index("</main>")]


def test_saving_a_draft_never_changes_the_public_page(client, small_manual, draft_of, editor):
    pages = ["/", "/chapters/online-safety/", "/chapters/online-safety/versions/", "/amendments/"]
    before = [main_of(client.get(url)) for url in pages]
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    draft.title = "Online safety, retitled"
    draft.save()
    assert [main_of(client.get(url)) for url in pages] == before
    assert ChapterVersion.objects.filter(chapter__slug="online-safety").count() == 1


def test_publishing_never_alters_an_older_version(small_manual, draft_of, editor, publisher):
    older = ChapterVersion.objects.get(chapter__slug="online-safety")
    snapshot = version_fields(older)
    sections = list(older.sections.values_list("anchor", "text"))
    publish(by=publisher, draft=draft_of("online-safety", by=editor, body="## New {#new}\n\nX.\n"))
    older.refresh_from_db()
    assert version_fields(older) == snapshot
    assert list(older.sections.values_list("anchor", "text")) == sections
    assert older.valid_until == TODAY  # only its interval closes


PROBLEMS = [
    ("## Intro {#intro}\n\nSee [[no-such-chapter]].\n", "unknown_chapter", 3),
    ("## Intro {#intro}\n\nText.\n\nSee [[bullying#nowhere]].\n", "unknown_section", 5),
    ("## Intro {#intro}\n\n<script>alert(1)</script>\n", "raw_html", 3),
]


@pytest.mark.parametrize(("text", "code", "line"), PROBLEMS)
def test_problems_block_publishing_and_say_where(
    small_manual, draft_of, editor, publisher, text, code, line
):
    draft = draft_of("online-safety", by=editor, body=text)
    with pytest.raises(PublishingError) as caught:
        publish(by=publisher, draft=draft)
    assert "Nothing was published" in str(caught.value)
    assert caught.value.codes == (code,)
    (problem,) = caught.value.problems
    assert problem.startswith(f"2.5 Online safety: line {line}: ")
    assert ChapterVersion.objects.filter(chapter__slug="online-safety").count() == 1
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_summary_is_required_unless_the_change_is_minor(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of("bullying", by=editor, summary="", replace={"hurt.": "hurt someone."})
    with pytest.raises(PublishingError) as caught:
        publish(by=publisher, draft=draft)
    assert caught.value.codes == ("missing_summary",)
    draft.minor = True
    draft.save()
    (version,) = publish(by=publisher, draft=draft)
    assert version.change == "minor"


def test_a_minor_correction_keeps_the_effective_date_and_notifies_nobody(
    small_manual, draft_of, editor, publisher, announced, django_capture_on_commit_callbacks
):
    draft = draft_of(
        "bullying", by=editor, minor=True, summary="", replace={"Listen": "Listen calmly"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        (version,) = publish(by=publisher, draft=draft)
    assert version.effective_date == datetime.date(2024, 1, 1)
    assert version.release is None and announced == []
    assert version.summary == "Minor correction."
    assert selectors.current_version(version.chapter) == version
    assert [v.number for v in selectors.history(version.chapter)] == [2, 1]


def test_a_change_published_on_its_own_is_announced_as_a_release(
    small_manual, draft_of, editor, publisher, announced, django_capture_on_commit_callbacks
):
    draft = draft_of("referrals", by=editor, summary="Out-of-hours number added.")
    with django_capture_on_commit_callbacks(execute=True):
        (version,) = publish(by=publisher, draft=draft)
    assert version.release.name.startswith("1.1 Referrals (")
    assert version.release.published_by == publisher
    assert announced == [version.release]


def test_a_release_publishes_all_its_drafts_together(
    small_manual, draft_of, new_chapter_draft, editor, publisher, release, announced,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    draft_of("online-safety", by=editor, release=release, summary="Sexting renamed.",
             replace={"## Sexting {#sexting}": "## Sharing nudes {#sexting}"})  # fmt: skip
    draft_of("bullying", by=editor, release=release, summary="Responding expanded.",
             replace={"say.": "say, and tell the DSL. See [[county-lines#about]]."})  # fmt: skip
    new_chapter_draft("county-lines", by=editor, release=release, title="County lines")
    with django_capture_on_commit_callbacks(execute=True):
        versions = publish(by=publisher, release=release)
    release.refresh_from_db()
    assert sorted((v.chapter.slug, v.number, v.change) for v in versions) == [
        ("bullying", 2, "updated"),
        ("county-lines", 1, "new"),
        ("online-safety", 2, "updated"),
    ]
    assert {v.effective_date for v in versions} == {release.effective_date}
    assert release.published_at is not None
    assert {v.published_at for v in versions} == {release.published_at}
    assert release.published_by == publisher
    assert announced == [release]
    # A link to a chapter created in the same release is stored.
    bullying = ChapterVersion.objects.get(chapter__slug="bullying", number=2)
    assert bullying.links.filter(target__slug="county-lines").exists()


def test_one_bad_draft_in_a_release_publishes_nothing(
    small_manual, draft_of, new_chapter_draft, editor, publisher, release
):
    draft_of("online-safety", by=editor, release=release, replace={"Sexting": "Nudes"})
    new_chapter_draft("county-lines", by=editor, release=release)
    draft_of("bullying", by=editor, release=release, replace={"say.": "say [[missing]]."})
    with pytest.raises(PublishingError) as caught:
        publish(by=publisher, release=release)
    assert caught.value.codes == ("unknown_chapter",)
    assert caught.value.problems[0].startswith("2.1 Bullying: line ")
    assert ChapterVersion.objects.count() == 3
    assert not Chapter.objects.filter(slug="county-lines").exists()
    release.refresh_from_db()
    assert release.published_at is None
    assert set(Draft.objects.values_list("status", flat=True)) == {"draft"}


def test_a_failure_while_storing_rolls_the_whole_release_back(
    small_manual, draft_of, editor, publisher, release, monkeypatch
):
    draft_of("online-safety", by=editor, release=release, replace={"Sexting": "Nudes"})
    draft_of(
        "referrals",
        by=editor,
        release=release,
        chapter_number="2.5",
        part=Part.objects.get(number=2),
    )  # takes the number online-safety keeps
    with pytest.raises(PublishingError, match="two chapters would share a number"):
        publish(by=publisher, release=release)
    assert ChapterVersion.objects.count() == 3
    assert Release.objects.get().published_at is None


def test_chapter_that_moved_on_is_refused_with_what_happened(
    small_manual, draft_of, editor, publisher, other_publisher
):
    first = draft_of("online-safety", by=editor, replace={"Sexting incidents": "Incidents"})
    second = draft_of("online-safety", by=editor, replace={"Live streaming carries": "It has"})
    publish(by=publisher, draft=first)
    with pytest.raises(PublishingError) as caught:
        publish(by=other_publisher, draft=second)
    message = str(caught.value)
    assert "moved on" in message and "version 2 was published" in message
    assert "based on version 1" in message and "by pat" in message
    assert caught.value.moved_on == (second,)
    assert ChapterVersion.objects.filter(chapter__slug="online-safety").count() == 2


def test_only_publishers_publish(small_manual, draft_of, editor, publisher):
    draft = draft_of("online-safety", by=publisher)
    with pytest.raises(PublishingError, match="Only a publisher"):
        publish(by=editor, draft=draft)


def test_four_eyes_a_publisher_cannot_publish_their_own_draft(
    small_manual, draft_of, publisher, other_publisher
):
    draft = draft_of("online-safety", by=publisher, replace={"Sexting": "Nudes"})
    with pytest.raises(PublishingError, match="another publisher must review"):
        publish(by=publisher, draft=draft)
    publish(by=other_publisher, draft=draft)


def test_four_eyes_counts_everyone_who_edited_the_draft(small_manual, draft_of, editor, publisher):
    draft = draft_of("online-safety", by=editor)
    draft.authors.add(publisher)
    with pytest.raises(PublishingError, match="four-eyes"):
        publish(by=publisher, draft=draft)


@override_settings(ALLOW_SELF_PUBLISH=True)
def test_self_publishing_when_the_setting_allows_it(small_manual, draft_of, publisher):
    draft = draft_of("online-safety", by=publisher, replace={"Sexting": "Nudes"})
    (version,) = publish(by=publisher, draft=draft)
    assert version.number == 2


def test_a_future_effective_date_schedules_the_version_with_no_job(
    client, small_manual, draft_of, editor, publisher
):
    later = TODAY + datetime.timedelta(days=10)
    draft = draft_of("online-safety", by=editor, effective_date=later, replace={"Sexting": "Nudes"})
    (version,) = publish(by=publisher, draft=draft)
    chapter = version.chapter
    assert selectors.current_version(chapter).number == 1
    assert selectors.current_version(chapter, on=later) == version
    assert selectors.current_version(chapter, on=later - datetime.timedelta(days=1)).number == 1
    page = client.get("/chapters/online-safety/").content.decode()
    assert "Sexting incidents" in page and "Scheduled:" in page
    assert "not in effect yet" in client.get(version.get_absolute_url()).content.decode()
    future = client.get(f"/as-of/{later.isoformat()}/chapters/online-safety/").content.decode()
    assert "Nudes incidents" in future


def test_an_effective_date_before_the_current_version_is_refused(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of("online-safety", by=editor, effective_date=datetime.date(2023, 1, 1))
    with pytest.raises(PublishingError) as caught:
        publish(by=publisher, draft=draft)
    assert caught.value.codes == ("effective_before_previous",)


def test_withdrawing_keeps_the_page_and_says_when_why_and_where_instead(
    client, small_manual, draft_of, editor, publisher
):
    draft = draft_of(
        "referrals",
        by=editor,
        withdraw=True,
        withdrawn_reason="Merged into the front door procedure.",
        replaced_by=Chapter.objects.get(slug="bullying"),
        summary="Chapter withdrawn.",
        effective_date=datetime.date(2025, 2, 3),
    )
    (version,) = publish(by=publisher, draft=draft)
    assert version.change == "withdrawn"
    page = client.get("/chapters/referrals/").content.decode()
    assert "This chapter was withdrawn on 3 February 2025" in page
    assert "Merged into the front door procedure." in page
    assert 'href="/chapters/bullying/">2.1 Bullying</a> instead' in page
    assert "Phone the front door" not in page
    assert 'href="/chapters/referrals/versions/1/"' in page
    contents = client.get("/").content.decode()
    assert "1.1 Referrals" in contents and "Withdrawn" in contents


def test_a_withdrawal_needs_a_reason(small_manual, draft_of, editor, publisher):
    draft = draft_of("referrals", by=editor, withdraw=True)
    with pytest.raises(PublishingError) as caught:
        publish(by=publisher, draft=draft)
    assert caught.value.codes == ("missing_withdrawal_reason",)


def test_removing_a_section_other_chapters_link_to_is_refused(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of(
        "bullying",
        by=editor,
        replace={"## Cyberbullying {#cyberbullying}": "## Online bullying {#online-bullying}"},
    )
    with pytest.raises(PublishingError) as caught:
        publish(by=publisher, draft=draft)
    assert caught.value.codes == ("removes_linked_section",)
    assert "'#cyberbullying', which 2.5 Online safety links to" in caught.value.problems[0]


def test_renaming_and_renumbering_keep_old_addresses_for_ever(
    client, small_manual, draft_of, editor, publisher, other_publisher
):
    draft = draft_of(
        "online-safety",
        by=editor,
        slug="staying-safe-online",
        chapter_number="2.6",
        title="Staying safe online",
        summary="Renamed and renumbered.",
    )
    publish(by=publisher, draft=draft)
    for old, new in [
        ("/chapters/online-safety/", "/chapters/staying-safe-online/"),
        ("/chapters/online-safety/versions/1/", "/chapters/staying-safe-online/versions/1/"),
        ("/chapters/online-safety/versions/", "/chapters/staying-safe-online/versions/"),
        ("/v/online-safety/1/", "/v/staying-safe-online/1/"),
        ("/chapters/online-safety/versions/1...2/", "/chapters/staying-safe-online/versions/1...2/"),  # noqa: E501
    ]:  # fmt: skip
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    page = client.get("/chapters/staying-safe-online/").content.decode()
    assert "2.6</span> Staying safe online" in page
    # The old slug is never given to another chapter, even a new one.
    assert ChapterSlug.objects.get(slug="online-safety").chapter.slug == "staying-safe-online"
    renaming = draft_of("bullying", by=editor, slug="online-safety")
    with pytest.raises(PublishingError) as caught:
        publish(by=other_publisher, draft=renaming)
    assert caught.value.codes == ("slug_taken",)


def test_a_new_chapter_cannot_take_a_slug_ever_used(
    small_manual, draft_of, new_chapter_draft, editor, publisher, other_publisher
):
    publish(by=publisher, draft=draft_of("referrals", by=editor, slug="front-door"))
    draft = new_chapter_draft("referrals", by=editor)
    with pytest.raises(PublishingError) as caught:
        publish(by=other_publisher, draft=draft)
    assert caught.value.codes == ("slug_taken",)
    assert not Chapter.objects.filter(slug="referrals").exists()


def test_a_new_chapter_is_published_as_version_one(
    client, small_manual, new_chapter_draft, editor, publisher
):
    draft = new_chapter_draft("county-lines", by=editor, number="2.9", title="County lines")
    (version,) = publish(by=publisher, draft=draft)
    assert (version.number, version.change, version.chapter.slug) == (1, "new", "county-lines")
    assert ChapterSlug.objects.filter(slug="county-lines", chapter=version.chapter).exists()
    assert "2.9 County lines" in client.get("/").content.decode()


def test_a_published_draft_cannot_be_published_again(small_manual, draft_of, editor, publisher):
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    publish(by=publisher, draft=draft)
    with pytest.raises(PublishingError, match="already been published"):
        publish(by=publisher, draft=draft)


def test_a_draft_in_a_release_is_published_with_the_release(
    small_manual, draft_of, editor, publisher, release
):
    draft = draft_of("online-safety", by=editor, release=release)
    with pytest.raises(PublishingError, match="publish the release"):
        publish(by=publisher, draft=draft)


def test_checking_a_draft_reads_only_the_chapters_it_names(
    small_manual, draft_of, editor, publisher, monkeypatch
):
    """The review and publishing read the chapters a draft links to, not the whole manual."""
    asked = []
    real = selectors.link_targets
    monkeypatch.setattr(
        selectors, "link_targets", lambda slugs=None: asked.append(slugs) or real(slugs)
    )
    draft = draft_of("online-safety", by=editor, replace={"Sexting": "Nudes"})
    publish(by=publisher, draft=draft)
    assert asked and all(slugs == {"bullying"} for slugs in asked)
    publish(by=publisher, draft=draft_of("referrals", by=editor, slug="front-door"))
    targets = real({"referrals", "bullying", "no-such-chapter"})
    assert sorted(targets) == ["bullying", "front-door", "referrals"]  # old slugs still lead there
    assert targets["referrals"].slug == "front-door"
