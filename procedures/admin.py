"""The admin: editors draft, publishers review the diff and publish.

Published versions are read-only for everyone (there is no way to change or delete one here);
chapters are created and renamed only by publishing. Saving a draft changes no public page.
Every write of the manual goes through `procedures.publishing.publish`.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from markdownx.widgets import AdminMarkdownxWidget

from procedures import publishing, selectors
from procedures.content import CHAPTER_NUMBER, SLUG
from procedures.diffing import diff_chapter, side_of_version
from procedures.models import Chapter, ChapterSlug, ChapterVersion, Draft, Part, Release
from procedures.views import render_version_page

admin.site.site_header = "Safeguarding Children Procedures: admin"
admin.site.site_title = "Procedures admin"
admin.site.index_title = "Drafts, releases and the manual"


# --- drafts ---------------------------------------------------------------------------------


# Shown on a saved draft and never edited by hand: publishing fills them in.
PUBLISHING_FIELDS = [
    "based_on",
    "status",
    "created_by",
    "authors_list",
    "published_at",
    "published_by",
    "published_version_link",
]


class ReadOnlyOncePublished:
    """Published drafts and releases are history: nobody changes or deletes them."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)


class DraftForm(forms.ModelForm):
    class Meta:
        model = Draft
        fields = [
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
            "related",
            "release",
            "withdraw",
            "withdrawn_reason",
            "replaced_by",
        ]
        widgets = {
            "based_on": forms.HiddenInput,
            "body": AdminMarkdownxWidget(attrs={"rows": 30}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "withdrawn_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "release" in self.fields:
            # Only releases still being prepared can take drafts.
            self.fields["release"].queryset = Release.objects.filter(published_at__isnull=True)

    def clean(self):
        data = super().clean()
        chapter = data.get("chapter") if "chapter" in self.fields else self.instance.chapter
        part = data.get("part")
        number = (data.get("chapter_number") or "").strip()
        slug = (data.get("slug") or "").strip()
        minor, withdraw = data.get("minor"), data.get("withdraw")
        if number and not CHAPTER_NUMBER.match(number):
            self.add_error("chapter_number", "Write the chapter number like 2.5.")
        elif number and part and number.split(".")[0] != str(part.number):
            self.add_error(
                "chapter_number",
                f"Chapter {number} belongs in part {number.split('.')[0]}, not part {part.number}.",
            )
        if chapter is None:
            if not slug:
                self.add_error("slug", "A new chapter needs a web address (slug).")
            if minor:
                self.add_error("minor", "A new chapter cannot be a minor correction.")
            if withdraw:
                self.add_error("withdraw", "A new chapter cannot be withdrawn.")
        if slug and (chapter is None or slug != chapter.slug):
            taken = ChapterSlug.objects.filter(slug=slug).select_related("chapter").first()
            if not SLUG.match(slug):
                self.add_error("slug", "Use lowercase words joined by hyphens, e.g. online-safety.")
            elif taken is not None and (chapter is None or taken.chapter_id != chapter.pk):
                self.add_error(
                    "slug",
                    f"'{slug}' is (or was) the address of the chapter now at "
                    f"/chapters/{taken.chapter.slug}/. Addresses are never reused.",
                )
        if not minor and not (data.get("summary") or "").strip():
            self.add_error("summary", "Say what changed, or mark the change as minor.")
        if minor and withdraw:
            self.add_error("minor", "A withdrawal cannot be a minor correction.")
        if withdraw:
            if not (data.get("withdrawn_reason") or "").strip():
                self.add_error("withdrawn_reason", "Say why the chapter is withdrawn.")
            replaced_by = data.get("replaced_by")
            if replaced_by is not None and chapter is not None and replaced_by.pk == chapter.pk:
                self.add_error("replaced_by", "Choose another chapter.")
        elif not (data.get("body") or "").strip():
            self.add_error("body", "Write the chapter text.")
        if chapter is not None and not self.instance.pk and data.get("based_on") is None:
            latest = selectors.latest_version(chapter)
            data["based_on"] = latest.number if latest else None
        effective = data.get("effective_date")
        if chapter is not None and effective and not minor:
            latest = selectors.latest_version(chapter)
            if latest is not None and effective < latest.effective_date:
                self.add_error(
                    "effective_date",
                    f"Version {latest.number} takes effect on "
                    f"{latest.effective_date:%d %B %Y}; choose that day or later.",
                )
        return data


@admin.register(Draft)
class DraftAdmin(ReadOnlyOncePublished, admin.ModelAdmin):
    form = DraftForm
    change_form_template = "admin/procedures/draft/change_form.html"
    list_display = ["__str__", "status", "release", "created_by", "updated_at", "review_link"]
    list_filter = ["status", "release"]
    search_fields = ["title", "chapter_number", "chapter__slug", "summary"]
    filter_horizontal = ["related"]
    list_select_related = ["release", "created_by"]

    def get_fieldsets(self, request, obj=None):
        first = ["chapter", "slug", "chapter_number", "title", "part"]
        if obj is None:
            first.insert(1, "based_on")
        fieldsets = [
            (None, {"fields": first}),
            ("Chapter text", {"fields": ["body"]}),
            (
                "Amendment",
                {
                    "fields": [
                        "summary",
                        "minor",
                        "effective_date",
                        "review_date",
                        "related",
                        "release",
                    ]
                },
            ),
            ("Withdrawal", {"fields": ["withdraw", "withdrawn_reason", "replaced_by"]}),
        ]
        if obj is not None:
            fieldsets.append(
                (
                    "Publishing",
                    {"fields": PUBLISHING_FIELDS},
                )
            )
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["chapter", *PUBLISHING_FIELDS]

    @admin.display(description="Written or edited by")
    def authors_list(self, obj):
        return ", ".join(str(user) for user in obj.authors.all()) or "-"

    @admin.display(description="Published as")
    def published_version_link(self, obj):
        if obj.published_version_id is None:
            return "-"
        version = obj.published_version
        return format_html('<a href="{}">{}</a>', version.get_absolute_url(), version)

    @admin.display(description="Review")
    def review_link(self, obj):
        url = reverse("admin:procedures_draft_review", args=[obj.pk])
        return format_html('<a href="{}">Compare and publish</a>', url)

    def get_changeform_initial_data(self, request):
        """'Draft the next version' links here with ?chapter=<id>: start from its latest text."""
        initial = super().get_changeform_initial_data(request)
        chapter = Chapter.objects.filter(pk=request.GET.get("chapter") or None).first()
        if chapter is None:
            return initial
        latest = selectors.latest_version(chapter)
        if latest is None:
            return initial
        if latest.is_withdrawn:
            # Reinstating a withdrawn chapter starts from the last text it had.
            text = (
                ChapterVersion.objects.filter(chapter=chapter)
                .exclude(change=ChapterVersion.Change.WITHDRAWN)
                .order_by("-number")
                .first()
            )
        else:
            text = latest
        initial.update(
            chapter=chapter.pk,
            based_on=latest.number,
            chapter_number=latest.chapter_number,
            title=latest.title,
            part=latest.part_id,
            body=text.source if text else "",
            related=[c.pk for c in latest.related.all()],
            review_date=latest.review_date,
        )
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        obj.authors.add(request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        problems = _prepared_for(form.instance).problems
        if problems:
            messages.warning(
                request,
                _lines("Saved. Publishing is blocked until these are fixed:", problems),
            )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", view(self.preview_view), name="procedures_draft_preview"),
            path("<int:pk>/review/", view(self.review_view), name="procedures_draft_review"),
            path("<int:pk>/publish/", view(self.publish_view), name="procedures_draft_publish"),
            path("<int:pk>/rebase/", view(self.rebase_view), name="procedures_draft_rebase"),
        ] + super().get_urls()

    def _draft(self, request, pk):
        draft = get_object_or_404(
            Draft.objects.select_related("chapter", "part", "release", "replaced_by"), pk=pk
        )
        if not self.has_view_permission(request, draft):
            raise PermissionDenied
        return draft

    def preview_view(self, request, pk):
        """The draft in the public chapter template: what practitioners will see."""
        draft = self._draft(request, pk)
        prepared = _prepared_for(draft)
        shown = prepared.as_version()
        chapter = draft.chapter
        current = selectors.current_version(chapter) if chapter else None
        history = selectors.history(chapter) if chapter else []
        return render_version_page(
            request,
            shown,
            current=current,
            extra={
                "draft_preview": draft,
                "is_current": True,
                "sections": [s for s in prepared.rendered.sections if s.anchor],
                "history": [shown, *history],
                "related": selectors.current_of(draft.related.all()),
                "linking_here": selectors.linking_here(chapter) if chapter else [],
            },
        )

    def review_view(self, request, pk):
        """The diff against the chapter's latest version, problems, and the publish button."""
        draft = self._draft(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Compare and publish: {draft}",
            "draft": draft,
            **_review(request, draft),
        }
        return render(request, "admin/procedures/draft/review.html", context)

    def publish_view(self, request, pk):
        draft = self._draft(request, pk)
        if request.method != "POST":
            return redirect("admin:procedures_draft_review", pk)
        try:
            (version,) = publishing.publish(by=request.user, draft=draft)
        except publishing.PublishingError as error:
            messages.error(request, _lines(*str(error).split("\n")))
            return redirect("admin:procedures_draft_review", pk)
        messages.success(
            request,
            format_html(
                'Published <a href="{}">{}</a>, effective {}.',
                version.get_absolute_url(),
                version,
                f"{version.effective_date.day} {version.effective_date:%B %Y}",
            ),
        )
        return redirect("admin:procedures_draft_change", pk)

    def rebase_view(self, request, pk):
        """After the chapter moved on: the editor confirms the draft now includes the changes
        made since, and the draft is based on the latest version."""
        draft = self._draft(request, pk)
        if request.method != "POST":
            return redirect("admin:procedures_draft_review", pk)
        if not self.has_change_permission(request, draft) or draft.chapter is None:
            raise PermissionDenied
        latest = selectors.latest_version(draft.chapter)
        draft.based_on = latest.number
        draft.save(update_fields=["based_on", "updated_at"])
        draft.authors.add(request.user)
        messages.success(
            request,
            f"The draft is now based on version {latest.number}. Check it includes what changed "
            f"in version {latest.number}, then ask a publisher to review it.",
        )
        return redirect("admin:procedures_draft_review", pk)


def _prepared_for(draft):
    """The draft as it would be published: with the other drafts of its release, if any."""
    if draft.release_id and not draft.is_published:
        drafts = list(
            draft.release.drafts.filter(status=Draft.Status.DRAFT).select_related(
                "chapter", "part", "replaced_by"
            )
        )
        for prepared in publishing.prepare_all(drafts, release=draft.release):
            if prepared.draft.pk == draft.pk:
                return prepared
    return publishing.prepare_all([draft])[0]


def _review(request, draft, prepared=None):
    """What a publisher needs to decide on one draft."""
    prepared = prepared or _prepared_for(draft)
    if draft.is_published:
        version = draft.published_version
        previous = selectors.version(version.chapter, version.number - 1)
        return {
            "published": version,
            "diff": diff_chapter(
                side_of_version(previous) if previous else None, side_of_version(version)
            ),
        }
    previous = prepared.previous
    moved_on = []
    if draft.chapter_id and previous is not None and previous.number != draft.based_on:
        moved_on = list(
            ChapterVersion.objects.filter(
                chapter_id=draft.chapter_id, number__gt=draft.based_on or 0
            )
            .select_related("published_by")
            .order_by("number")
        )
    return {
        "heading_id": f"draft-{draft.pk}-diff",
        "today": selectors.today(),
        "prepared": prepared,
        "previous": previous,
        "diff": diff_chapter(side_of_version(previous) if previous else None, prepared.side()),
        "problems": prepared.problems,
        "moved_on": moved_on,
        "moved_on_diff_url": (
            reverse(
                "procedures:diff",
                kwargs={"slug": draft.chapter.slug, "a": draft.based_on, "b": previous.number},
            )
            if moved_on and draft.based_on
            else ""
        ),
        "cannot_publish": publishing.can_publish(request.user, draft),
        "can_rebase": bool(moved_on) and request.user.has_perm("procedures.change_draft"),
    }


def _lines(*lines):
    first, *rest = lines
    if not rest:
        return first
    return format_html(
        "{}<ul>{}</ul>", first, format_html_join("", "<li>{}</li>", ((line,) for line in rest))
    )


# --- releases -------------------------------------------------------------------------------


class DraftInline(admin.TabularInline):
    model = Draft
    fields = ["draft_link", "summary", "minor", "created_by", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "draft in this release"
    verbose_name_plural = "drafts in this release (add a draft to a release from the draft's page)"

    @admin.display(description="Draft")
    def draft_link(self, obj):
        url = reverse("admin:procedures_draft_review", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Release)
class ReleaseAdmin(ReadOnlyOncePublished, admin.ModelAdmin):
    change_form_template = "admin/procedures/release/change_form.html"
    list_display = ["name", "effective_date", "state", "published_by"]
    fields = ["name", "effective_date", "introduction"]
    inlines = [DraftInline]
    search_fields = ["name"]

    @admin.display(description="State")
    def state(self, obj):
        if obj.published_at is None:
            return "Being prepared"
        if obj.effective_date > selectors.today():
            return "Published, scheduled"
        return "Published"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", view(self.review_view), name="procedures_release_review"),
            path("<int:pk>/publish/", view(self.publish_view), name="procedures_release_publish"),
        ] + super().get_urls()

    def _release(self, request, pk):
        release = get_object_or_404(Release, pk=pk)
        if not self.has_view_permission(request, release):
            raise PermissionDenied
        return release

    def review_view(self, request, pk):
        release = self._release(request, pk)
        drafts = list(
            release.drafts.filter(status=Draft.Status.DRAFT)
            .select_related("chapter", "part", "replaced_by", "release")
            .order_by("chapter_number", "pk")
        )
        prepared = publishing.prepare_all(drafts, release=release)
        reviews = [(p.draft, _review(request, p.draft, p)) for p in prepared]
        problems = [problem for p in prepared for problem in p.problems]
        cannot = sorted({r["cannot_publish"] for _, r in reviews if r["cannot_publish"]})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Review and publish: {release}",
            "release": release,
            "reviews": reviews,
            "problems": problems,
            "moved_on": any(r["moved_on"] for _, r in reviews),
            "cannot_publish": cannot,
            "published_versions": selectors.release_versions(release)
            if release.is_published
            else [],
        }
        return render(request, "admin/procedures/release/review.html", context)

    def publish_view(self, request, pk):
        release = self._release(request, pk)
        if request.method != "POST":
            return redirect("admin:procedures_release_review", pk)
        try:
            versions = publishing.publish(by=request.user, release=release)
        except publishing.PublishingError as error:
            messages.error(request, _lines(*str(error).split("\n")))
            return redirect("admin:procedures_release_review", pk)
        messages.success(
            request,
            format_html(
                'Published the release <a href="{}">{}</a>: {} chapter version{}.',
                release.get_absolute_url(),
                release,
                len(versions),
                "" if len(versions) == 1 else "s",
            ),
        )
        return redirect("admin:procedures_release_review", pk)


# --- the manual (read-only) -----------------------------------------------------------------


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    change_form_template = "admin/procedures/chapter/change_form.html"
    list_display = ["slug", "latest", "draft_link"]
    search_fields = ["slug"]
    fields = ["slug", "former_slugs", "created_at"]
    readonly_fields = ["former_slugs", "created_at"]

    def get_queryset(self, request):
        latest = ChapterVersion.objects.filter(chapter=OuterRef("pk"), valid_until__isnull=True)
        return (
            super()
            .get_queryset(request)
            .annotate(
                latest_number=Subquery(latest.values("number")[:1]),
                latest_label=Subquery(
                    latest.annotate(label=Concat("chapter_number", Value(" "), "title")).values(
                        "label"
                    )[:1]
                ),
                latest_key=Subquery(latest.values("number_key")[:1]),
            )
            .order_by("latest_key", "slug")
        )

    @admin.display(description="Latest version", ordering="latest_key")
    def latest(self, obj):
        if obj.latest_number is None:
            return "-"
        return f"{obj.latest_label} (version {obj.latest_number})"

    @admin.display(description="Former addresses")
    def former_slugs(self, obj):
        return ", ".join(s.slug for s in obj.slugs.exclude(slug=obj.slug)) or "-"

    @admin.display(description="Amend")
    def draft_link(self, obj):
        url = reverse("admin:procedures_draft_add")
        return format_html('<a href="{}?chapter={}">Draft the next version</a>', url, obj.pk)

    def has_add_permission(self, request):
        return False  # a chapter is created by publishing its first version

    def has_change_permission(self, request, obj=None):
        return False  # renamed by publishing a draft with a new address

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChapterVersion)
class ChapterVersionAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "change",
        "effective_date",
        "valid_until",
        "release",
        "published_at",
        "published_by",
    ]
    list_filter = ["change", "release"]
    search_fields = ["chapter__slug", "title", "chapter_number"]
    list_select_related = ["chapter", "release", "published_by"]
    exclude = ["html", "number_key"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # published versions never change

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]
