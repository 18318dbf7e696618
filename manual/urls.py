"""The manual's public addresses. They keep the names the core's models, every template and
every printed address already use (`procedures:chapter` ...): the pages are the core's
(`procedures.views`) or, where they assemble the feature apps, this package's."""

from django.urls import path

from manual import views
from procedures import views as core

app_name = "procedures"

urlpatterns = [
    path("", views.contents, name="contents"),
    path("chapters/<slug:slug>/", views.chapter, name="chapter"),
    path("chapters/<slug:slug>/versions/", core.versions, name="versions"),
    path("chapters/<slug:slug>/versions/<int:number>/", views.version, name="version"),
    path(
        "chapters/<slug:slug>/versions/<int:number>/print.css",
        views.print_margins,
        name="print_margins",
    ),
    path("chapters/<slug:slug>/versions/<int:a>...<int:b>/", core.diff, name="diff"),
    path("chapters/<slug:slug>/compare/", core.compare, name="compare"),
    path("amendments/", views.amendments, name="amendments"),
    path("amendments/feed/", core.AmendmentsFeed(), name="amendments_feed"),
    path("amendments/<int:pk>/", core.release, name="release"),
    path("as-of/", core.as_of, name="as_of"),
    path("as-of/<str:day>/", views.as_of_contents, name="as_of_contents"),
    path("as-of/<str:day>/chapters/<slug:slug>/", views.as_of_chapter, name="as_of_chapter"),
    # The short address printed on every page: is this version still current?
    path("v/<slug:slug>/<int:number>/", views.printout, name="printout"),
    path("search/", views.search, name="search"),
]
