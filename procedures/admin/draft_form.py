"""The draft form: the chapter's fields, the text in the editing desk, and the version rules'
problems next to the fields they concern.

Each save is bound to the revision the page started from (`revision`) and names the page
(`desk`, a token the desk's script makes): a save over someone else's newer save is refused
(`conflict` says whose) and the editor merges, never overwrites unseen.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance

from procedures import revisions, routes, selectors
from procedures.admin.editor import DeskEditor
from procedures.drafts import prepare
from procedures.models import Draft, Release
from procedures.records import DRAFT_FIELD_OF, STORED


class RoutesField(forms.MultipleChoiceField):
    """The chapter's routes as ticks, kept in What to do now's order (local, then national).
    The choices are read when the form is made: national contacts change."""

    widget = forms.CheckboxSelectMultiple(attrs={"class": "app-checkbox-columns"})

    def __init__(self, *, encoder=None, decoder=None, **kwargs):
        super().__init__(choices=(), **kwargs)  # the model's JSON options do not apply

    def prepare_value(self, value):
        return list(value or [])

    def clean(self, value):
        chosen = set(super().clean(value))
        return [slug for slug, _ in self.choices if slug in chosen]


def table_fields(listed):
    """The record's stored fields a draft also has, beyond those `listed`: a field added to
    the table and both models is edited here with nothing else to write."""
    on_draft = {field.name for field in Draft._meta.get_fields()}
    return [spec.attr for spec in STORED if spec.attr in on_draft and spec.attr not in listed]


EDITED = [
    "chapter",
    "based_on",
    "slug",
    "chapter_number",
    "title",
    "part",
    "body",
    "summary",
    "minor",
    "effective_date",
    "review_date",
    "no_review_reason",
    "routes",
    "related",
    "release",
    "withdraw",
    "withdrawn_reason",
    "replaced_by",
]


class DraftForm(forms.ModelForm):
    revision = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    desk = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # The autosave keeps the text whatever the version rules say (they are shown as the
    # editor types); the buttons' save asks them.
    check_rules = True

    class Meta:
        model = Draft
        fields = EDITED + table_fields(EDITED)
        widgets = {
            "based_on": forms.HiddenInput,
            "body": DeskEditor,
            # Ticks rather than the admin's two-box filter, whose script adds ARIA that
            # screen readers cannot use (aria-label on a plain span).
            "related": forms.CheckboxSelectMultiple(attrs={"class": "app-checkbox-columns"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "withdrawn_reason": forms.Textarea(attrs={"rows": 3}),
            "no_review_reason": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"routes": RoutesField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "routes" in self.fields:
            known = routes.choices()
            # A route stored before its contact was removed stays visible, to be unticked.
            kept = [(s, s) for s in (self.initial.get("routes") or []) if s not in dict(known)]
            self.fields["routes"].choices = known + kept
            self.fields["routes"].required = False
        self.conflict = None  # someone else's newer revision, when this save is refused
        if self.instance.pk and "revision" not in self.initial:
            self.initial["revision"] = revisions.latest_number(self.instance)
        if "release" in self.fields:
            # Only releases still being prepared can take drafts.
            self.fields["release"].queryset = Release.objects.filter(published_at__isnull=True)

    def clean(self):
        data = super().clean()
        self._check_still_open(data)
        if self.instance.pk and data.get("revision") is not None:
            # (A post without the field, from a script, is not bound to a revision.)
            self.conflict = revisions.newer_than(
                self.instance, base=data["revision"], desk=data.get("desk") or ""
            )
            if self.conflict is not None:
                raise ValidationError(
                    f"{self.conflict.by} saved this draft after you opened it: nothing was "
                    "saved, and your text is kept. Compare and merge it with theirs.",
                    code="saved_meanwhile",
                )
        chapter = data.get("chapter") if "chapter" in self.fields else self.instance.chapter
        if chapter is None and not (data.get("slug") or "").strip():
            self.add_error("slug", "A new chapter needs a web address (slug).")
        if chapter is not None and not self.instance.pk and data.get("based_on") is None:
            latest = selectors.latest_version(chapter)
            data["based_on"] = latest.number if latest else None
        if self.errors or data.get("part") is None or not self.check_rules:
            return data
        self._add_rule_problems(data)
        return data

    def _check_still_open(self, data):
        """The admin saves inside a transaction: lock the draft (and its release) until the
        save commits, so a publish in progress either finishes first, and the save is refused
        here with the editor's text kept, or waits and then sees a changed draft."""
        if self.instance.pk:
            status = (
                Draft.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("status", flat=True)
                .first()
            )
            if status != Draft.Status.DRAFT:
                raise ValidationError(
                    "This draft was published while you were editing it, so it can no longer "
                    "change. Your text is still in the form below: copy it into a new draft "
                    "of the chapter.",
                    code="published_meanwhile",
                )
        release = data.get("release")
        if release is not None:
            release = Release.objects.select_for_update().get(pk=release.pk)
            if release.is_published:
                self.add_error(
                    "release",
                    ValidationError(
                        f"The release '{release}' was published meanwhile: choose another, or "
                        "none to publish this draft on its own.",
                        code="release_published",
                    ),
                )

    def _add_rule_problems(self, data):
        """The version rules, each problem next to the field it concerns. Problems in the text
        (broken cross-links and the like) do not stop saving: the editor keeps their work and
        the review page lists them until they are fixed."""
        draft = construct_instance(self, Draft(pk=self.instance.pk))
        draft.chapter = data.get("chapter") or self.instance.chapter
        draft.based_on = data.get("based_on")
        prepared = prepare(draft, related=data.get("related") or [])
        for problem in prepared.problems:
            if problem.field == "body" and problem.code != "empty_body":
                continue
            if problem.code in ("nothing_to_amend", "missing_review_date"):
                continue  # the review lists them; they block publishing, not saving
            name = DRAFT_FIELD_OF.get(problem.field, problem.field)
            error = ValidationError(problem.sentence, code=problem.code)
            self.add_error(name if name in self.fields else None, error)
