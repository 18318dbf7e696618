"""The link report in the admin: broken, moved and withdrawn links, chapter by chapter, for
the Manager group and for publishers (links.report.may_see_report); read-only."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from links import report
from links.models import ExternalLink
from links.receivers import describe
from procedures.admin.common import RecordsOnly


@admin.register(ExternalLink)
class LinkReportAdmin(RecordsOnly, admin.ModelAdmin):
    def has_module_permission(self, request):
        return report.may_see_report(request.user)

    def has_view_permission(self, request, obj=None):
        return report.may_see_report(request.user)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        counts, last_checked = report.totals()
        chapters = [
            (name, [(entry, describe(entry.link)) for entry in entries])
            for name, entries in report.by_chapter()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": "Links to check",
            "opts": self.model._meta,
            "chapters": chapters,
            "counts": counts,
            "statuses": ExternalLink.Status,
            "last_checked": last_checked,
        }
        return TemplateResponse(request, "links/admin_report.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        raise PermissionDenied  # the report is the page; a link has nothing more to show
