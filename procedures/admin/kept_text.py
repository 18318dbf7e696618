"""Text kept for the next showing of a draft form: what was posted when the sign-in had
expired (the save is answered with the sign-in page, and after signing in the form shows the
text again), and the result of a merge. Kept in the session under the form's address, used
once.
"""

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse

PREFIX = "desk-kept:"
NOT_KEPT = {"csrfmiddlewaretoken", "_save", "_continue", "_send_for_review", "_addanother"}


def keep(request, path: str, values: dict, note: str) -> None:
    """Show `values` in the form at `path` the next time it is opened, with `note`."""
    request.session[PREFIX + path] = {"values": values, "note": note}


def take(request, path: str):
    """The values kept for the form at `path` (once), or None."""
    kept = request.session.pop(PREFIX + path, None)
    if kept is None:
        return None
    messages.info(request, kept["note"])
    return kept["values"]


def posted_values(post) -> dict:
    """A posted form as values to show again (lists where a field had several)."""
    return {
        name: values if len(values) > 1 or name == "related" else values[0]
        for name, values in post.lists()
        if name not in NOT_KEPT
    }


def initial_from(form_class, values: dict) -> dict:
    """Initial data for `form_class` from kept values: a field the post left out was an
    unticked box or an empty choice of many."""
    initial = {}
    for name, field in form_class.base_fields.items():
        if name in values:
            initial[name] = values[name]
        elif getattr(field.widget, "input_type", "") == "checkbox":
            initial[name] = False
        elif getattr(field.widget, "allow_multiple_selected", False):
            initial[name] = []
    return initial


def with_initial(form_class, initial: dict):
    """`form_class`, showing `initial` when it is not bound to a post."""

    class Kept(form_class):
        def __init__(self, *args, **kwargs):
            if not args and kwargs.get("data") is None:
                kwargs["initial"] = {**kwargs.get("initial", {}), **initial}
            super().__init__(*args, **kwargs)

    return Kept


def signed_out_keeps_the_text(admin_site, view):
    """Wrap a draft form's view: a save posted after the sign-in expired keeps its text and
    answers with the sign-in page, which leads back to the form, text restored."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and not admin_site.has_permission(request):
            path = request.get_full_path()
            keep(
                request,
                path,
                posted_values(request.POST),
                "Your text from before you were signed out is back in the form below. It has "
                "not been saved yet: check it, then save.",
            )
            messages.warning(
                request,
                "You were signed out, so your draft was not saved yet. Your text is kept: "
                "sign in again and it comes back in the form.",
            )
            login = reverse("admin:login", current_app=admin_site.name)
            return redirect(f"{login}?{urlencode({REDIRECT_FIELD_NAME: path})}")
        return view(request, *args, **kwargs)

    return wrapped
