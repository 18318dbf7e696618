"""Releases: drafts published together, reviewed and published in one step."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from procedures import publishing, selectors
from procedures.admin.common import ReadOnlyOncePublished, message_lines
from procedures.drafts import fingerprint, prepare_all
from procedures.models import Draft, Release
from procedures.reviewing import review


class DraftInline(admin.TabularInline):
    model = Draft
    template = "admin/procedures/release/draft_inline.html"
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
        prepared = prepare_all(drafts, release=release)
        approved = fingerprint(prepared, release)
        reviews = [(p.draft, review(p.draft, user=request.user, prepared=p)) for p in prepared]
        problems = [line for p in prepared for line in p.messages()]
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
            "approved": approved,
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
            versions = publishing.publish(
                by=request.user, release=release, approved=request.POST.get("approved", "")
            )
        except publishing.PublishingError as error:
            messages.error(request, message_lines(*error.lines()))
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
