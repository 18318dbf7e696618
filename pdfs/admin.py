"""The PDFs in the admin, read-only: which are ready, being prepared or could not be made,
and why (a failed build is also emailed to the managers: failures.py)."""

from django.contrib import admin

from pdfs.failures import MANAGER, describe
from pdfs.models import PdfFile


@admin.register(PdfFile)
class PdfFileAdmin(admin.ModelAdmin):
    list_display = ("document", "status", "built_at", "pages", "size", "error")
    list_filter = ("status", "kind")
    fields = ("document", "status", "requested_at", "built_at", "pages", "size", "error")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("content")
            .select_related("version__chapter", "partnership")
        )

    @admin.display(description="PDF")
    def document(self, pdf):
        return describe(pdf)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        user = request.user
        return (
            user.is_active
            and user.is_staff
            and (user.is_superuser or user.groups.filter(name=MANAGER).exists())
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
