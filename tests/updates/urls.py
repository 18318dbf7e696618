"""The portal's URLs plus a diff page, as the publishing work will add one."""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def diff(request, slug, a, b):
    return HttpResponse("diff")


urlpatterns = [
    path("chapters/<slug:slug>/versions/<int:a>...<int:b>/", diff),
    *portal_urlpatterns,
]
