"""Subscribe, confirm, change-what-you-get and unsubscribe pages. The writing happens in
subscriptions.py.

Confirming and unsubscribing both take a POST: mail scanners and link previews fetch every
link in an email, and a GET must not change anything.
"""

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from portal import limits
from portal.clientip import client_ip
from updates import conf, subscriptions, tasks
from updates.choices import describe
from updates.forms import ChoiceForm, SubscribeForm
from updates.models import email_key
from updates.tokens import (
    BadLink,
    subscriber_to_confirm,
    subscriber_to_manage,
    token_to_unsubscribe,
    unsubscribe_token,
)


@require_http_methods(["GET", "POST"])
def subscribe(request):
    # Reached from a partnership's pages (/p/<slug>/updates/), offer its local information.
    partnership = getattr(request, "partnership", None)
    form = SubscribeForm(
        request.POST if request.method == "POST" else None,
        initial={"partnership": partnership.slug if partnership else ""},
    )
    if form.is_valid():
        refused = _over_limit(request, form.cleaned_data["email"])
        if refused is not None:
            return refused
        tasks.email_after_commit(
            subscriptions.request_subscription(form.cleaned_data["email"], choice=form.choice())
        )
        return redirect("updates:check_email")
    return render(request, "updates/subscribe.html", {"form": form, "selected": form.selected()})


@require_safe
def check_email(request):
    return render(
        request,
        "updates/check_email.html",
        {"resend_minutes": conf.resend_minutes(), "confirm_days": _confirm_days()},
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    try:
        subscriber = subscriber_to_confirm(token)
    except BadLink as bad:
        return _bad_link(request, bad, kind="confirm")
    if request.method == "POST":
        subscriptions.confirm(subscriber)
        return render(request, "updates/confirmed.html")
    return render(
        request,
        "updates/confirm.html",
        {"already": subscriber.is_confirmed, "choice": describe(subscriber)},
    )


@require_http_methods(["GET", "POST"])
def manage(request, token):
    """Change what you get, from the link in every email: no account, the signed link is
    the key. Saving leads back here (POST, redirect, GET) with a message."""
    try:
        subscriber = subscriber_to_manage(token)
    except BadLink as bad:
        return _bad_link(request, bad, kind="manage")
    form = ChoiceForm(
        request.POST if request.method == "POST" else None,
        initial=ChoiceForm.initial_for(subscriber),
    )
    if form.is_valid():
        subscriptions.change_choice(subscriber, choice=form.choice())
        return redirect(reverse("updates:manage", args=[token]) + "?saved=1")
    return render(
        request,
        "updates/manage.html",
        {
            "form": form,
            "selected": form.selected(),
            "subscriber": subscriber,
            "choice": describe(subscriber),
            "saved": request.method == "GET" and request.GET.get("saved") == "1",
            "unsubscribe_path": reverse(
                "updates:unsubscribe", args=[unsubscribe_token(subscriber)]
            ),
        },
    )


# Mail providers send RFC 8058 one-click unsubscribes as a cookie-less POST to this URL, so
# there can be no CSRF token; the signed token in the URL is what authorises the request.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    try:
        subscriber_token = token_to_unsubscribe(token)
    except BadLink as bad:
        return _bad_link(request, bad, kind="unsubscribe")
    if request.method == "POST":
        subscriptions.unsubscribe(subscriber_token)
        return render(request, "updates/unsubscribed.html")
    return render(request, "updates/unsubscribe.html")


def _over_limit(request, address):
    """The 429 page if this client, or this address, has asked too often (abuse limits in
    the shared cache: settings.RATE_LIMITS), else None. Both are counted on every valid
    request, so an abuser cannot spread one address over many clients or the reverse."""
    verdicts = [
        limits.check("signup-client", client_ip(request) or "-"),
        limits.check("signup-email", email_key(address)),
    ]
    for verdict in verdicts:
        if not verdict.allowed:
            return limits.too_many(request, verdict, what="Signing up for email updates")
    return None


def _bad_link(request, bad, *, kind):
    return render(
        request,
        "updates/bad_link.html",
        {"expired": bad.expired, "kind": kind},
        status=400,
    )


def _confirm_days():
    return max(1, round(conf.confirm_max_age() / 86400))
