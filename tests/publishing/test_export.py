"""export_content writes everything the admin published back to content files, faithfully."""

import datetime
import filecmp

import pytest
from django.core.management import call_command

from procedures.models import Chapter, ChapterSlug, ChapterVersion, Release
from tests.publishing.helpers import publish

TODAY = datetime.date.today()


def files_of(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def publish_a_year_of_changes(draft_of, new_chapter_draft, editor, publisher):
    """Every kind of change the admin can make, so the export has to carry each."""
    june = Release.objects.create(
        name="June 2024 update",
        effective_date=datetime.date(2024, 6, 21),
        introduction='Online safety: "sharing nudes".\nAnd a new chapter.',
    )
    draft_of("online-safety", by=editor, release=june, summary="Sexting: now 'sharing nudes'.",
             replace={"## Sexting {#sexting}": "## Sharing nudes {#sexting}"})  # fmt: skip
    new_chapter_draft("county-lines", by=editor, release=june, title="County lines: a guide",
                      body="## About {#about}\n\nSee [[bullying#cyberbullying]].\n")  # fmt: skip
    publish(by=publisher, release=june)
    publish(by=publisher, draft=draft_of(
        "referrals", by=editor, withdraw=True, withdrawn_reason="Merged.", summary="Withdrawn.",
        replaced_by=Chapter.objects.get(slug="county-lines"),
    ))  # fmt: skip
    publish(by=publisher, draft=draft_of(
        "bullying", by=editor, slug="bullying-and-cyberbullying", chapter_number="2.2",
        title="Bullying and cyberbullying", summary="Renamed.",
    ))  # fmt: skip
    publish(by=publisher, draft=draft_of(
        "online-safety", by=editor, minor=True, summary="", replace={"risks.": "risks!"}
    ))  # fmt: skip
    publish(by=publisher, draft=draft_of(
        "county-lines", by=editor, summary="Coming soon.", review_date=datetime.date(2030, 1, 1),
        effective_date=TODAY + datetime.timedelta(days=30),
    ))  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_export_load_into_an_empty_database_export_gives_identical_files(
    small_manual, draft_of, new_chapter_draft, editor, publisher, tmp_path, capsys
):
    publish_a_year_of_changes(draft_of, new_chapter_draft, editor, publisher)
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_content", str(first), verbosity=0)
    assert "chapters/bullying-and-cyberbullying/v2.md" in files_of(first)
    assert "chapters/county-lines/v2.md" in files_of(first)
    manual_yaml = (first / "manual.yaml").read_text()
    assert 'name: "June 2024 update"' in manual_yaml
    assert "bullying-and-cyberbullying: [bullying]" in manual_yaml
    withdrawn = (first / "chapters/referrals/v2.md").read_text()
    assert "withdrawn: true" in withdrawn and "replaced_by: county-lines" in withdrawn
    assert "minor: true" in (first / "chapters/online-safety/v3.md").read_text()

    # The export reads back into the same database as "nothing to do".
    capsys.readouterr()
    call_command("load_content", str(first))
    assert "Nothing to do: all 9 version(s) of 4 chapter(s)" in capsys.readouterr().out

    call_command("flush", interactive=False, verbosity=0)
    assert not ChapterVersion.objects.exists()
    call_command("load_content", str(first), verbosity=0)
    call_command("export_content", str(second), verbosity=0)

    assert files_of(first) == files_of(second)
    match, mismatch, errors = filecmp.cmpfiles(first, second, files_of(first), shallow=False)
    assert (mismatch, errors) == ([], [])
    # What the files carry beyond the text came back too.
    assert ChapterSlug.objects.get(slug="bullying").chapter.slug == "bullying-and-cyberbullying"
    assert Release.objects.get(name="June 2024 update").versions.count() == 2
    assert Release.objects.count() == 4  # and one for each change published on its own
    assert ChapterVersion.objects.get(chapter__slug="online-safety", number=3).change == "minor"


@pytest.mark.django_db
def test_export_leaves_other_files_and_reports_strays(sample_manual, tmp_path, capsys):
    (tmp_path / "README.md").write_text("Ours.\n")
    stray = tmp_path / "chapters" / "gone" / "v1.md"
    stray.parent.mkdir(parents=True)
    stray.write_text("---\n---\n")
    call_command("export_content", str(tmp_path))
    captured = capsys.readouterr()
    assert "Exported 24 version(s)" in captured.out
    assert "chapters/gone/v1.md" in captured.err and "--prune" in captured.err
    assert (tmp_path / "README.md").read_text() == "Ours.\n" and stray.exists()
    call_command("export_content", str(tmp_path), "--prune", verbosity=0)
    assert not stray.exists() and not stray.parent.exists()


@pytest.mark.django_db
def test_exporting_the_sample_manual_reads_back_as_already_loaded(sample_manual, tmp_path, capsys):
    call_command("export_content", str(tmp_path), verbosity=0)
    capsys.readouterr()
    call_command("load_content", str(tmp_path))
    assert "Nothing to do" in capsys.readouterr().out
