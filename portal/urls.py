from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseBadRequest
from django.urls import include, path
from django.views.generic import TemplateView
from markdownx.views import MarkdownifyView

from portal.health import healthz
from portal.staff import require_second_factor, verified_staff_required

require_second_factor()


class PreviewView(MarkdownifyView):
    """markdownx's preview, answering a post without the text with a 400 (not a 500)."""

    def post(self, request, *args, **kwargs):
        if not isinstance(request.POST.get("content"), str):
            return HttpResponseBadRequest("The preview needs the text, in the field 'content'.")
        return super().post(request, *args, **kwargs)


urlpatterns = [
    path("admin/", admin.site.urls),
    # markdownx's preview is open to anyone by default; only staff may use it here, and its
    # image upload view is not mounted at all.
    path(
        "markdownx/markdownify/",
        verified_staff_required(PreviewView.as_view()),
        name="markdownx_markdownify",
    ),
    path("healthz/", healthz),
    path("updates/", include("updates.urls")),
    path(
        "accessibility/",
        TemplateView.as_view(
            template_name="accessibility.html",
            extra_context={"contact": settings.ACCESSIBILITY_CONTACT_EMAIL},
        ),
        name="accessibility",
    ),
    path("", include("partnerships.urls")),
    path("", include("feedback.urls")),
    path("", include("offline.urls")),
    path("", include("pdfs.urls")),
    path("", include("glossary.urls")),
    path("", include("manual.urls")),
]

# A write that found the database locked for longer than it may wait gets a page that keeps
# what was typed (portal/busy.py), not the server error page.
handler500 = "portal.busy.server_error_or_busy"
