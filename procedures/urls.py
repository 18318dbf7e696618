from django.urls import path

from procedures import views
from procedures.search import views as search_views

app_name = "procedures"

urlpatterns = [
    path("", views.contents, name="contents"),
    path("chapters/<slug:slug>/", views.chapter, name="chapter"),
    path("chapters/<slug:slug>/versions/", views.versions, name="versions"),
    path("chapters/<slug:slug>/versions/<int:number>/", views.version, name="version"),
    path(
        "chapters/<slug:slug>/versions/<int:number>/print.css",
        views.print_margins,
        name="print_margins",
    ),
    path("chapters/<slug:slug>/versions/<int:a>...<int:b>/", views.diff, name="diff"),
    path("chapters/<slug:slug>/compare/", views.compare, name="compare"),
    path("amendments/", views.amendments, name="amendments"),
    path("amendments/feed/", views.AmendmentsFeed(), name="amendments_feed"),
    path("amendments/<int:pk>/", views.release, name="release"),
    path("as-of/", views.as_of, name="as_of"),
    path("as-of/<str:day>/", views.as_of_contents, name="as_of_contents"),
    path("as-of/<str:day>/chapters/<slug:slug>/", views.as_of_chapter, name="as_of_chapter"),
    # The short address printed on every page: is this version still current?
    path("v/<slug:slug>/<int:number>/", views.printout, name="printout"),
    path("search/", search_views.search, name="search"),
]
