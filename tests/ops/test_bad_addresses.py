"""Malformed query strings (NUL bytes, bytes that are not UTF-8) in the admin's filters,
search and autocomplete get a friendly 400 page: never a 500."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db

BAD = ["q=%00", "status=sent%00", "release__id__exact=1%00", "q=%ff%fe", "o=%00"]


@pytest.fixture
def admin_client(client, db):
    user = User.objects.create_superuser("pat", "pat@example.org", "a-long-test-password")
    client.force_login(user)
    return client


@pytest.mark.parametrize("query", BAD)
@pytest.mark.parametrize(
    "path",
    [
        "/admin/updates/delivery/",
        "/admin/updates/subscriber/",
        "/admin/procedures/chapterversion/",
        "/admin/autocomplete/",
        "/admin/procedures/draft/",
    ],
)
def test_bad_bytes_in_the_query_string_get_a_friendly_400(admin_client, path, query):
    response = admin_client.get(f"{path}?{query}")
    assert response.status_code == 400
    assert "There is a problem with the web address" in response.content.decode()


def test_nul_in_autocomplete_term_is_a_400_not_a_500(admin_client):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"term": "a\x00", "app_label": "procedures", "model_name": "chapter", "field_name": "x"},
    )
    assert response.status_code == 400


def test_ordinary_admin_filters_still_work_and_public_pages_answer_for_themselves(
    admin_client,
):
    assert admin_client.get("/admin/updates/delivery/?status__exact=sent").status_code == 200
    assert admin_client.get("/admin/updates/subscriber/?q=caf%C3%A9").status_code == 200
    # Search already answers odd input with its own page ("no results").
    assert admin_client.get("/search/?q=a%00b").status_code == 200
