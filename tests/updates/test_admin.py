"""Subscribers in the admin: staff may look, nobody adds or edits, only superusers remove."""

import pytest
from django.contrib.auth.models import Permission, User

from procedures.models import Chapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = User.objects.create_user("staff", password="pw", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="updates"))
    client.force_login(user)
    return client


def test_staff_can_view_subscribers_but_not_add_change_or_delete(staff_client, subscriber):
    reader = subscriber("reader@example.org")
    page = staff_client.get("/admin/updates/subscriber/").content.decode()
    assert "reader@example.org" in page
    assert "/admin/updates/subscriber/add/" not in page
    assert staff_client.get("/admin/updates/subscriber/add/").status_code == 403
    change = staff_client.get(f"/admin/updates/subscriber/{reader.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert reader.token not in change.content.decode()
    assert staff_client.get(f"/admin/updates/subscriber/{reader.pk}/delete/").status_code == 403


def test_superuser_can_remove_a_subscriber(admin_client, subscriber):
    reader = subscriber("reader@example.org")
    response = admin_client.post(f"/admin/updates/subscriber/{reader.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert admin_client.get("/admin/updates/delivery/").status_code == 200


def test_addresses_never_appear_on_public_pages(client, subscriber):
    subscriber("reader@example.org")
    for url in ["/updates/", "/updates/check-your-email/", "/admin/updates/subscriber/"]:
        assert "reader@example.org" not in client.get(url).content.decode()


def test_staff_see_what_a_subscriber_follows(staff_client, subscriber, make_release):
    make_release(("new", "neglect", "2.4", "Neglect", "New."))
    reader = subscriber("reader@example.org", whole_manual=False)
    reader.chapters.set(Chapter.objects.filter(slug="neglect"))
    change = staff_client.get(f"/admin/updates/subscriber/{reader.pk}/change/")
    assert "2.4 Neglect" in change.content.decode()
    assert staff_client.get("/admin/updates/delivery/").status_code == 200
