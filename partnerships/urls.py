from django.urls import path

from . import views

app_name = "partnerships"

urlpatterns = [
    path("choose/", views.choose, name="choose"),
    path("contacts/", views.contacts, name="contacts"),
    path("chapters/<slug:slug>/local/", views.local_history, name="local_history"),
]
