"""Only the chapter page and the updates pages: no diff or amendments page exists."""

from django.urls import include, path

from tests.updates.urls import page

urlpatterns = [
    path("updates/", include("updates.urls")),
    path("", include(([path("chapters/<slug:slug>/", page, name="chapter")], "procedures"))),
]
