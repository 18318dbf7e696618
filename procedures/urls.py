from django.urls import path

from procedures import views
from procedures.search import views as search_views

app_name = "procedures"

urlpatterns = [
    path("", views.contents, name="contents"),
    path("chapters/<slug:slug>/", views.chapter, name="chapter"),
    path("chapters/<slug:slug>/versions/", views.versions, name="versions"),
    path("chapters/<slug:slug>/versions/<int:number>/", views.version, name="version"),
    path("search/", search_views.search, name="search"),
]
