from django.urls import path

from . import views

app_name = "offline"

urlpatterns = [
    path("sw.js", views.worker, name="worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.about, name="about"),
    path("offline/copy.json", views.copy, name="copy"),
]
