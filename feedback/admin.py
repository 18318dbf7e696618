"""Problem reports and the reading figures in the admin: for managers to read, not to edit.

Who sees them is a permission: the Manager group (managers.py) has view_feedback and
view_weeklyreads; the Editor and Publisher groups have neither.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import Truncator

from feedback import reading_figures
from feedback.models import Feedback, WeeklyReads
from procedures.admin.common import RecordsOnly


class ReadOnly(RecordsOnly, admin.ModelAdmin):
    deletable_by_superuser = True  # e.g. a report that holds personal details


@admin.register(Feedback)
class FeedbackAdmin(ReadOnly):
    list_display = [
        "received_at",
        "chapter_version",
        "partnership",
        "about",
        "summary",
        "reply_to",
        "sent",
    ]
    list_filter = ["partnership", "about", ("emailed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["version", "partnership"]
    search_fields = ["what_is_wrong", "version__title", "chapter__slug"]
    date_hierarchy = "received_at"
    fields = [
        "received_at",
        "chapter",
        "version",
        "partnership",
        "about",
        "what_is_wrong",
        "email",
        "emailed_to",
        "emailed_at",
    ]
    readonly_fields = fields

    @admin.display(description="Chapter and version", ordering="version")
    def chapter_version(self, obj):
        return f"{obj.version.chapter_number} {obj.version.title}, version {obj.version.number}"

    @admin.display(description="What is wrong")
    def summary(self, obj):
        return Truncator(obj.what_is_wrong).chars(120)

    @admin.display(description="Reply to", ordering="email")
    def reply_to(self, obj):
        return obj.email or "-"

    @admin.display(description="Emailed to", ordering="emailed_at")
    def sent(self, obj):
        return obj.emailed_to or ("sending" if obj.emailed_at else "waiting")


@admin.register(WeeklyReads)
class ReadingFiguresAdmin(ReadOnly):
    """One page: most-read chapters by week, searches that found nothing and the latest
    problem reports (shown only to those who may view them)."""

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        may_see_feedback = request.user.has_perm("feedback.view_feedback")
        context = {
            **self.admin_site.each_context(request),
            "title": "Reading figures",
            "opts": self.model._meta,
            "weeks": reading_figures.most_read_by_week(),
            "weeks_of_reads": reading_figures.WEEKS_OF_READS,
            "misses": reading_figures.searches_that_found_nothing(),
            "weeks_of_searches": reading_figures.WEEKS_OF_SEARCHES,
            "may_see_feedback": may_see_feedback,
            "feedback": reading_figures.latest_feedback() if may_see_feedback else [],
            "feedback_url": reverse("admin:feedback_feedback_changelist"),
        }
        return TemplateResponse(request, "feedback/admin_figures.html", context)
