"""URL configurations for testing the links in release emails whatever pages the portal has.

The portal's own, plus a diff page and an amendments page in the documented shapes (the
portal may already have them; these are tried first). See also urls_minimal.py.
"""

from django.http import HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def page(request, **kwargs):
    return HttpResponse("page")


urlpatterns = [
    path("chapters/<slug:slug>/versions/<int:a>...<int:b>/", page),
    path("amendments/", page),
    *portal_urlpatterns,
]
