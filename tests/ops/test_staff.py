"""Staff sign-in: lockout after repeated failures, failures logged, long passwords, a second
factor for the admin, and staff sessions that end after 30 minutes idle or 10 hours."""

import io
import logging
import re
import time

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.middleware import SEEN_AT, SIGNED_IN_AT

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def staff(db):
    user = User.objects.create_superuser("pat", "pat@example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user, device


def code_from(device):
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def sign_in(client, *, password=PASSWORD, code=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "pat", "password": password, "otp_token": code},
    )


def test_repeated_wrong_passwords_lock_the_account_and_are_logged(staff, caplog):
    _, device = staff
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    with caplog.at_level(logging.INFO):
        statuses = [sign_in(attacker, password=f"guess-{n}").status_code for n in range(8)]
        # Even the right password and code no longer work, from that client or another.
        right = sign_in(attacker, code=code_from(device))
        elsewhere = sign_in(Client(REMOTE_ADDR="203.0.113.9"), code=code_from(device))
    assert statuses[:4] == [200] * 4 and set(statuses[5:]) == {429}
    assert right.status_code == elsewhere.status_code == 429
    assert "Sign-in locked" in right.content.decode()
    assert "_auth_user_id" not in attacker.session
    assert "event=sign_in_failed user=pat client=198.51.100.7" in caplog.text
    assert "event=locked_out user=pat client=198.51.100.7" in caplog.text
    assert PASSWORD not in caplog.text and "guess-1" not in caplog.text


def test_passwords_need_12_characters_and_must_not_be_common():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Xk3#pLm9qT2")  # 11 characters
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")
    validate_password("iv-orange-lamp-27")


def test_the_admin_needs_a_second_factor(staff, caplog):
    _, device = staff
    client = Client()
    with caplog.at_level(logging.INFO):
        password_only = sign_in(client)
    assert password_only.status_code == 200  # the sign-in page again, with an error
    assert client.get("/admin/").status_code == 302
    right = sign_in(client, code=code_from(device))
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    other = Client()
    wrong = sign_in(other, code="000000" if code_from(device) != "000000" else "111111")
    assert wrong.status_code == 200 and other.get("/admin/").status_code == 302
    assert "event=signed_in user=pat" in caplog.text


def test_a_password_only_session_is_not_staff(staff, client):
    user, _ = staff
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    assert client.get("/admin/").status_code == 302
    assert client.post("/markdownx/markdownify/", {"content": "x"}).status_code == 403


def test_first_superuser_path_prints_an_authenticator_address_and_backup_codes(db):
    User.objects.create_superuser("first", "first@example.org", PASSWORD)
    out = io.StringIO()
    call_command("add_second_factor", "first", stdout=out)
    text = out.getvalue()
    assert re.search(r"otpauth://totp/[^\s]*secret=[A-Z2-7]+", text)
    codes = re.findall(r"^  ([a-z0-9]{8})$", text, re.MULTILINE)
    assert len(codes) == 10
    client = Client()
    signed_in = client.post(
        "/admin/login/?next=/admin/",
        {"username": "first", "password": PASSWORD, "otp_token": codes[0]},
    )
    assert signed_in.status_code == 302 and client.get("/admin/").status_code == 200
    # A backup code works once.
    again = Client().post(
        "/admin/login/", {"username": "first", "password": PASSWORD, "otp_token": codes[0]}
    )
    assert again.status_code == 200


@pytest.mark.parametrize(
    "signed_in_ago, seen_ago, still_signed_in",
    [
        (60 * 60, 29 * 60, True),  # active within 30 minutes
        (60 * 60, 31 * 60, False),  # idle for 31 minutes
        (10 * 60 * 60 + 60, 60, False),  # active, but signed in over 10 hours ago
    ],
)
def test_staff_sessions_end_after_30_minutes_idle_or_10_hours(
    staff, client, signed_in_ago, seen_ago, still_signed_in
):
    user, _ = staff
    client.force_login(user)
    session = client.session
    now = time.time()
    session[SIGNED_IN_AT], session[SEEN_AT] = now - signed_in_ago, now - seen_ago
    session.save()
    response = client.get("/admin/")
    assert (response.status_code == 200) is still_signed_in
    if not still_signed_in:
        assert response["Location"].startswith("/admin/login/")
        assert "_auth_user_id" not in client.session


def refusal(response):
    """The error the sign-in page shows (its error notes and field errors)."""
    text = response.content.decode()
    return re.findall(
        r'class="errornote">\s*(.*?)\s*</p>|class="errorlist[^"]*"><li>(.*?)</li>', text
    )


def test_every_refused_sign_in_says_the_same(staff):
    _, device = staff
    wrong_code = "000000" if code_from(device) != "000000" else "111111"
    attempts = {  # from clients far apart, so none is locked out
        "unknown user": Client(REMOTE_ADDR="192.0.2.1").post(
            "/admin/login/?next=/admin/",
            {"username": "nobody", "password": PASSWORD, "otp_token": wrong_code},
        ),
        "wrong password": sign_in(
            Client(REMOTE_ADDR="192.0.2.2"), password="not-the-password", code=wrong_code
        ),
        "no code": sign_in(Client(REMOTE_ADDR="192.0.2.3")),
        "wrong code": sign_in(Client(REMOTE_ADDR="192.0.2.4"), code=wrong_code),
        "a backup code that is not one": sign_in(
            Client(REMOTE_ADDR="192.0.2.5"), code="not-a-code"
        ),
    }
    said = {name: refusal(response) for name, response in attempts.items()}
    assert all(response.status_code == 200 for response in attempts.values())
    assert len({str(words) for words in said.values()}) == 1, said
    assert "token" not in str(said).lower()


def test_wrong_codes_count_towards_the_lockout_but_never_block_the_right_code(staff, caplog):
    _, device = staff
    wrong_code = "000000" if code_from(device) != "000000" else "111111"
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(3):  # knows the password, guesses codes
        assert sign_in(attacker, code=wrong_code).status_code == 200
    # The real user, elsewhere, signs in at once: the guesses did not throttle the device.
    owner = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_in(owner, code=code_from(device)).status_code == 302
    assert owner.get("/admin/").status_code == 200
    # The guesses count as failed sign-ins: two more and the attacker is locked out.
    statuses = [sign_in(attacker, code=wrong_code).status_code for _ in range(3)]
    assert statuses[-1] == 429
    assert owner.get("/admin/").status_code == 200  # a signed-in session stays signed in


def test_each_refused_sign_in_writes_one_log_line(staff, caplog, monkeypatch):
    from portal import audit

    monkeypatch.setattr(audit, "failed_sign_ins", audit.Flood())  # a quiet window
    _, device = staff
    wrong_code = "000000" if code_from(device) != "000000" else "111111"
    for password, code in ((f"guess-{PASSWORD}", ""), (PASSWORD, wrong_code)):
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            sign_in(Client(REMOTE_ADDR="198.51.100.8"), password=password, code=code)
        lines = [r for r in caplog.records if r.levelno >= logging.INFO]
        assert len(lines) == 1, [r.getMessage() for r in lines]
        assert lines[0].getMessage().startswith("event=sign_in_failed user=pat")


def test_a_flood_of_refused_sign_ins_is_summed_up_not_written_line_by_line(caplog):
    from portal.audit import Flood

    now = [0.0]
    flood = Flood(clock=lambda: now[0])
    admitted = [flood.admit() for _ in range(Flood.LINES + 500)]
    assert sum(write for write, _ in admitted) == Flood.LINES
    assert all(left_out == 0 for _, left_out in admitted)
    now[0] += Flood.WINDOW
    assert flood.admit() == (True, 500)  # the summary of the window that ended
