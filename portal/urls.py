from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import TemplateView
from markdownx.views import MarkdownifyView


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("admin/", admin.site.urls),
    # markdownx's preview is open to anyone by default; only staff may use it here, and its
    # image upload view is not mounted at all.
    path(
        "markdownx/markdownify/",
        staff_member_required(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
    path("healthz/", healthz),
    path("updates/", include("updates.urls")),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="accessibility.html"),
        name="accessibility",
    ),
    path("", include("procedures.urls")),
]
