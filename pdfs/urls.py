from django.urls import path

from . import views

app_name = "pdfs"

urlpatterns = [
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/manual.pdf", views.manual_pdf, name="manual_pdf"),
    path("chapters/<slug:slug>/versions/<int:number>/pdf/", views.chapter_pdf, name="chapter_pdf"),
]
