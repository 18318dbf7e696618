from django.urls import path

from feedback import views

app_name = "feedback"

urlpatterns = [
    path("chapters/<slug:slug>/feedback/", views.report, name="report"),
    path("chapters/<slug:slug>/feedback/sent/", views.thanks, name="thanks"),
]
