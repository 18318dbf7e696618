"""The manual as published: chapters, versions and parts (read-only), and the audit trail."""

from django import forms
from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils.html import format_html

from procedures import review_dates, selectors
from procedures.admin.common import RecordsOnly
from procedures.models import (
    AuditEntry,
    Chapter,
    ChapterVersion,
    Draft,
    DueForReview,
    Part,
    Review,
)


def _day(day):
    return f"{day.day} {day:%B %Y}" if day else "-"


class InManualOrder(ChangeList):
    """The chapter list in the manual's order (2.9 before 2.10) until a column is chosen.
    (Not ModelAdmin.get_ordering: forms listing chapters use that too, without the
    annotation it needs.)"""

    def get_ordering(self, request, queryset):
        if ORDER_VAR in self.params:
            return super().get_ordering(request, queryset)
        return ["latest_key", "slug", "pk"]


@admin.register(Chapter)
class ChapterAdmin(RecordsOnly, admin.ModelAdmin):
    """The chapters in the manual's order, each with what practitioners read today, when its
    review is due (sort by that column for the overdue first) and its open drafts."""

    change_form_template = "admin/procedures/chapter/change_form.html"
    list_display = ["chapter", "current", "effective", "review_due", "open_drafts", "draft_link"]
    list_display_links = ["chapter"]
    search_fields = ["slug"]
    fields = ["slug", "former_slugs", "created_at"]
    readonly_fields = ["former_slugs", "created_at"]

    def get_queryset(self, request):
        newest = ChapterVersion.objects.newest().filter(chapter=OuterRef("pk"))
        current = ChapterVersion.objects.current().filter(chapter=OuterRef("pk"))
        open_drafts = (
            Draft.objects.filter(chapter=OuterRef("pk"), status=Draft.Status.DRAFT)
            .order_by()
            .values("chapter")
            .annotate(n=Count("pk"))
            .values("n")
        )
        # Not super(): it orders by get_ordering's annotations before they exist.
        return Chapter.objects.annotate(
            latest_number=Subquery(newest.values("number")[:1]),
            latest_label=Subquery(
                newest.annotate(label=Concat("chapter_number", Value(" "), "title")).values(
                    "label"
                )[:1]
            ),
            latest_key=Subquery(newest.values("number_key")[:1]),
            current_number=Subquery(current.values("number")[:1]),
            current_effective=Subquery(current.values("effective_date")[:1]),
            current_review=Subquery(current.values("review_date")[:1]),
            open_draft_count=Coalesce(Subquery(open_drafts[:1]), 0),
        )

    def get_changelist(self, request, **kwargs):
        return InManualOrder

    @admin.display(description="Chapter", ordering="latest_key")
    def chapter(self, obj):
        return obj.latest_label or obj.slug

    @admin.display(description="Current version", ordering="current_number")
    def current(self, obj):
        if obj.current_number is None:
            return "None yet" if obj.latest_number else "-"
        if obj.latest_number != obj.current_number:
            return f"{obj.current_number} (version {obj.latest_number} scheduled)"
        return obj.current_number

    @admin.display(description="Effective", ordering="current_effective")
    def effective(self, obj):
        return _day(obj.current_effective)

    @admin.display(description="Review due", ordering=F("current_review").asc(nulls_last=True))
    def review_due(self, obj):
        if obj.current_review is None:
            return "-"
        if obj.current_review < selectors.today():
            return format_html("<strong>{} (overdue)</strong>", _day(obj.current_review))
        return _day(obj.current_review)

    @admin.display(description="Open drafts", ordering="open_draft_count")
    def open_drafts(self, obj):
        if not obj.open_draft_count:
            return "0"
        url = reverse("admin:procedures_draft_changelist")
        return format_html(
            '<a href="{}?status__exact=draft&amp;q={}">{}<span class="visually-hidden"> open '
            "draft{} of {}</span></a>",
            url,
            obj.slug,
            obj.open_draft_count,
            "" if obj.open_draft_count == 1 else "s",
            obj.slug,
        )

    @admin.display(description="Former addresses")
    def former_slugs(self, obj):
        return ", ".join(s.slug for s in obj.slugs.exclude(slug=obj.slug)) or "-"

    @admin.display(description="Amend")
    def draft_link(self, obj):
        url = reverse("admin:procedures_draft_add")
        return format_html(
            '<a href="{}?chapter={}">Draft the next version<span class="visually-hidden"> of {}'
            "</span></a>",
            url,
            obj.pk,
            obj.latest_label or obj.slug,
        )


@admin.register(ChapterVersion)
class ChapterVersionAdmin(RecordsOnly, admin.ModelAdmin):
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


@admin.register(Part)
class PartAdmin(admin.ModelAdmin):
    list_display = ["number", "title"]


@admin.register(AuditEntry)
class AuditEntryAdmin(RecordsOnly, admin.ModelAdmin):
    """Who published, discarded or rebased what, and when: read-only for everyone."""

    list_display = ["at", "action", "what", "by", "fingerprint_short"]
    list_filter = ["action"]
    search_fields = ["what", "fingerprint"]
    list_select_related = ["by"]
    fields = ["at", "action", "what", "by", "fingerprint", "release", "versions"]
    readonly_fields = fields

    @admin.display(description="Fingerprint")
    def fingerprint_short(self, obj):
        return obj.fingerprint[:12] or "-"


@admin.register(DueForReview)
class DueForReviewAdmin(RecordsOnly, admin.ModelAdmin):
    """The versions in force by next review date, overdue first, each with a way to record
    "reviewed, no change" (or to draft the next version)."""

    list_display = ["__str__", "due", "effective_date", "record_review"]
    list_display_links = None
    search_fields = ["chapter__slug", "title", "chapter_number"]

    def get_queryset(self, request):
        return review_dates.due_for_review()

    def get_ordering(self, request):
        # Soonest due first: overdue at the top, versions without a date last.
        return [F("next_review").asc(nulls_last=True), "number_key"]

    @admin.display(description="Next review")
    def due(self, obj):
        if obj.next_review is None:
            return "Not set"
        label = f"{obj.next_review.day} {obj.next_review:%B %Y}"
        if review_dates.overdue_since(obj, obj.next_review):
            return format_html("<strong>Overdue since {}</strong>", label)
        return label

    @admin.display(description="Reviewed, no change?")
    def record_review(self, obj):
        url = reverse("admin:procedures_review_add")
        draft = reverse("admin:procedures_draft_add")
        return format_html(
            '<a href="{}?version={}">Record a review</a> · '
            '<a href="{}?chapter={}">Draft the next version</a>',
            url,
            obj.pk,
            draft,
            obj.chapter_id,
        )


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ["version", "next_review", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].queryset = review_dates.due_for_review()
        self.fields["version"].label = "Version in force"
        self.fields["next_review"].help_text = "When it is next due for review: after today."

    def clean_next_review(self):
        value = self.cleaned_data["next_review"]
        if value <= review_dates.today():
            raise forms.ValidationError("Choose a day after today.")
        return value


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """ "Reviewed, no change": a manager records it on the version in force (see the
    "Due for review" list); it sets the chapter's next review date. Never changed after."""

    form = ReviewForm
    list_display = ["version", "reviewed_at", "reviewed_by", "next_review"]
    list_select_related = ["version", "reviewed_by"]
    readonly_fields = ["reviewed_by", "reviewed_at"]

    def save_model(self, request, obj, form, change):
        try:
            review = review_dates.record_review(
                version=obj.version,
                by=request.user,
                next_review=obj.next_review,
                note=obj.note,
            )
        except review_dates.ReviewError as error:
            # The form checked the same; this is a race (a new version took effect meanwhile).
            raise PermissionDenied(str(error)) from None
        obj.pk, obj.reviewed_by, obj.reviewed_at = review.pk, review.reviewed_by, review.reviewed_at

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
