"""Loading content into the database: idempotent, additive, all or nothing."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from procedures.models import Chapter, ChapterVersion, Link, Part, Release, Section

pytestmark = pytest.mark.django_db


def load(manual, capsys=None):
    call_command("load_content", str(manual.root))
    return capsys.readouterr().out if capsys else None


def test_first_load_adds_every_version_and_says_so(manual, capsys):
    manual.chapter("bullying", "## Cyberbullying {#cyberbullying}\n\nText.\n", number="2.1")
    manual.chapter("online-safety", "See [[bullying#cyberbullying]].\n", number="2.5")
    out = load(manual, capsys)
    assert "bullying: added version 1" in out
    assert "Loaded 2 new version(s); 0 unchanged; 2 chapter(s)" in out
    version = ChapterVersion.objects.get(chapter__slug="online-safety")
    assert version.html.startswith('<p class="govuk-body">See <a')
    assert Link.objects.get(version=version).target.slug == "bullying"
    assert Section.objects.filter(version__chapter__slug="bullying").count() == 1


def test_second_load_changes_nothing(manual, capsys):
    manual.chapter("bullying", "Text.\n")
    load(manual, capsys)
    before = list(ChapterVersion.objects.values_list("pk", "source_hash", "published_at"))
    out = load(manual, capsys)
    assert "Nothing to do: all 1 version(s) of 1 chapter(s)" in out
    after = list(ChapterVersion.objects.values_list("pk", "source_hash", "published_at"))
    assert after == before


def test_new_version_file_adds_a_version_and_closes_the_previous_interval(manual):
    manual.chapter("bullying", "Old.\n", effective=datetime.date(2024, 1, 1))
    load(manual)
    manual.chapter(
        "bullying", "New.\n", version=2, effective=datetime.date(2024, 6, 21), summary="Changed."
    )
    load(manual)
    first, second = ChapterVersion.objects.order_by("number")
    assert first.valid_until == datetime.date(2024, 6, 21)
    assert second.valid_until is None
    assert second.change == "updated"


def test_editing_a_loaded_version_is_refused_and_nothing_is_written(manual):
    manual.chapter("bullying", "Old.\n")
    load(manual)
    manual.chapter("bullying", "Edited in place.\n")
    manual.chapter("referrals", "A new chapter.\n", number="1.1")
    with pytest.raises(CommandError) as caught:
        load(manual)
    assert "Nothing was loaded" in str(caught.value)
    assert "version 1 of 'bullying' is already stored" in str(caught.value)
    assert "stored versions never change" in str(caught.value)
    assert not Chapter.objects.filter(slug="referrals").exists()
    assert ChapterVersion.objects.get().source.strip() == "Old."


def test_any_error_writes_nothing(manual):
    manual.chapter("bullying", "Fine.\n")
    manual.chapter("referrals", "See [[missing]].\n", number="1.1")
    with pytest.raises(CommandError):
        load(manual)
    assert ChapterVersion.objects.count() == 0
    assert Chapter.objects.count() == 0


def test_newer_version_published_elsewhere_is_never_displaced(manual):
    manual.chapter("bullying", "One.\n")
    load(manual)
    # Someone publishes version 2 outside the files (as the admin does).
    v1 = ChapterVersion.objects.get()
    v2 = ChapterVersion.objects.get(pk=v1.pk)
    v2.pk = None
    v2.number = 2
    v2.source = "Two."
    v2.source_file = ""
    v2.valid_until = None
    ChapterVersion.objects.filter(pk=v1.pk).update(valid_until=v1.effective_date)
    v2.save()
    call_command("load_content", str(manual.root))
    assert ChapterVersion.objects.get(number=2).source == "Two."


def test_the_sample_manual_loads_and_reloads(sample_manual, capsys):
    assert ChapterVersion.objects.filter(chapter__slug="online-safety").count() == 5
    call_command("load_content")
    assert "Nothing to do" in capsys.readouterr().out


# --- manual.yaml changes are reported, never applied silently (issue 8, problem 5) ---------


def test_a_changed_part_title_is_refused_and_past_versions_keep_theirs(manual, capsys):
    manual.chapter("bullying", "Text.\n")
    load(manual)
    manual.parts[2] = "Concerns about children"
    manual._write_manual_file()
    with pytest.raises(CommandError) as caught:
        load(manual)
    assert "part 2 is called 'Child protection concerns', not 'Concerns about children'" in str(
        caught.value
    )
    assert "Renaming a part" in str(caught.value)
    assert Part.objects.get(number=2).title == "Child protection concerns"


def test_a_new_part_is_added_and_said(manual, capsys):
    manual.chapter("bullying", "Text.\n")
    load(manual)
    manual.parts[3] = "Specific circumstances"
    manual._write_manual_file()
    out = load(manual, capsys)
    assert "added part(s) 3" in out and "Nothing to do" not in out
    assert Part.objects.get(number=3).title == "Specific circumstances"


RELEASE = '\nreleases:\n  - name: "June update"\n    date: {date}\n    introduction: "{words}"\n'


def test_a_changed_release_is_refused(manual):
    manual.chapter("bullying", "Text.\n")
    manual_file = manual.root / "manual.yaml"
    listing = manual_file.read_text()
    manual_file.write_text(listing + RELEASE.format(date="2024-06-21", words="Victim blaming."))
    load(manual)
    manual_file.write_text(listing + RELEASE.format(date="2024-07-01", words="Victim blaming."))
    with pytest.raises(CommandError) as caught:
        load(manual)
    assert "release 'June update' is stored with another date" in str(caught.value)
    assert Release.objects.get().effective_date == datetime.date(2024, 6, 21)


def test_an_impossible_release_date_is_a_problem_not_a_traceback(manual):
    manual.chapter("bullying", "Text.\n")
    manual_file = manual.root / "manual.yaml"
    manual_file.write_text(manual_file.read_text() + RELEASE.format(date="2025-02-30", words="x"))
    with pytest.raises(CommandError) as caught:
        load(manual)
    assert "manual.yaml, line 8: each release needs" in str(caught.value)
    assert "'2025-02-30'" in str(caught.value)


def test_loading_an_unchanged_tree_renders_nothing(db, monkeypatch):
    from django.core.management import call_command

    from procedures.content import tree
    from tests.conftest import SAMPLE_CONTENT

    call_command("load_content", str(SAMPLE_CONTENT), verbosity=0)
    rendered = []
    real = tree.render_markdown
    monkeypatch.setattr(
        tree, "render_markdown", lambda *a, **k: rendered.append(1) or real(*a, **k)
    )
    call_command("load_content", str(SAMPLE_CONTENT), verbosity=0)
    assert rendered == []


def test_a_first_load_renders_each_version_once(db, monkeypatch):
    from partnerships import rules as partnership_rules
    from partnerships.models import LocalInformation
    from procedures import rules
    from procedures.content import tree
    from tests.conftest import SAMPLE_CONTENT

    rendered = []
    real = tree.render_markdown

    def counting(source, **kwargs):
        rendered.append((kwargs.get("slug"), source))
        return real(source, **kwargs)

    monkeypatch.setattr(tree, "render_markdown", counting)
    monkeypatch.setattr(rules, "render_markdown", counting)
    monkeypatch.setattr(partnership_rules, "render_markdown", counting)
    call_command("load_content", str(SAMPLE_CONTENT), verbosity=0)
    # Partnerships' local information goes through the same renderer, once each too.
    versions = ChapterVersion.objects.count() + LocalInformation.objects.count()
    assert ChapterVersion.objects.count() > 10 and LocalInformation.objects.exists()
    assert len(rendered) == versions


def test_a_link_to_a_missing_section_of_a_chapter_loaded_with_it_is_refused(manual):
    manual.chapter("bullying", "## Cyberbullying\n\nText.\n", number="2.1")
    manual.chapter("online-safety", "See [[bullying#sexting]].\n", number="2.5")
    with pytest.raises(CommandError) as caught:
        load(manual)
    assert "cross-link to unknown section '#sexting' of 'bullying'" in str(caught.value)
    assert "its sections are: cyberbullying" in str(caught.value)
    assert not ChapterVersion.objects.exists()


def test_a_load_with_nothing_to_do_writes_no_row(db, settings, django_capture_on_commit_callbacks):
    """A deployment may load its content every few minutes: a load with nothing new must not
    queue a rebuild of every PDF, nor make every cached page stale."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from procedures import caching
    from tests.conftest import SAMPLE_CONTENT

    settings.PDFS_REBUILD_AFTER_CHANGES = True  # as in production
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_content", str(SAMPLE_CONTENT), verbosity=0)
    stamp = caching._current_stamp(None)
    tasks = DBTaskResult.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as after_commit,
        CaptureQueriesContext(connection) as queries,
    ):
        call_command("load_content", str(SAMPLE_CONTENT), verbosity=0)
    writing = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
    writes = [q["sql"] for q in queries if writing.match(q["sql"])]
    assert writes == []
    assert after_commit == []  # no PDF rebuild queued, no cache stamp replaced
    assert DBTaskResult.objects.count() == tasks
    assert caching._current_stamp(None) == stamp
