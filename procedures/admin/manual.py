"""The manual as published: chapters, versions and parts (read-only), and the audit trail."""

from django.contrib import admin
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.html import format_html

from procedures.models import AuditEntry, Chapter, ChapterVersion, Part


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    change_form_template = "admin/procedures/chapter/change_form.html"
    list_display = ["slug", "latest", "draft_link"]
    search_fields = ["slug"]
    fields = ["slug", "former_slugs", "created_at"]
    readonly_fields = ["former_slugs", "created_at"]

    def get_queryset(self, request):
        latest = ChapterVersion.objects.newest().filter(chapter=OuterRef("pk"))
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


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
