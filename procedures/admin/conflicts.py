"""A save refused because someone else saved the draft after the editor opened it: both
texts side by side, their changes combined where they do not clash, and a choice for each
place where they do. Choosing puts the merged text back in the desk (not yet saved), based
on the other person's revision, so the next save goes through and the editor sees the
result before saving it.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from procedures import merging, revisions
from procedures.admin import kept_text
from procedures.models import Draft

CHOICES = [
    (merging.MINE, "Keep yours"),
    (merging.THEIRS, "Keep theirs"),
    (merging.BOTH, "Keep both (theirs, then yours)"),
]


def conflict_page(model_admin, request, form, draft):
    """The page answering a refused save (409)."""
    theirs = revisions.latest(draft)
    base = form.cleaned_data.get("revision") or 0
    mine = revisions.from_form(draft, form.cleaned_data, otherwise=theirs.values)
    return _render(model_admin, request, draft, base=base, mine=mine, theirs=theirs)


def _render(model_admin, request, draft, *, base, mine, theirs, status=409):
    started = revisions.at_or_before(draft, base) if base else None
    merge = merging.merge_values(started.values if started else {}, mine, theirs.values)
    labels = {f.name: revisions.label_of(draft, f.name) for f in revisions.fields_of(draft)}
    mine_shown = {v.name: v.shown for v in revisions.shown_values(draft, mine)}
    theirs_shown = {v.name: v.shown for v in revisions.shown_values(draft, theirs.values)}
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Draft._meta,
        "title": f"{theirs.by} saved this draft after you opened it",
        "draft": draft,
        "theirs": theirs,
        "base": base,
        "started": started,
        "mine": mine,
        "mine_json": json.dumps(mine),
        "merge": merge,
        "field_clashes": [
            {
                "key": clash.key,
                "label": labels.get(clash.key, clash.key),
                "mine": mine_shown.get(clash.key, ""),
                "theirs": theirs_shown.get(clash.key, ""),
            }
            for clash in merge.clashes
        ],
        "changed_fields": [
            {"label": labels[name], "mine": mine_shown[name], "theirs": theirs_shown[name]}
            for name in labels
            if name != "body" and mine_shown.get(name) != theirs_shown.get(name)
        ],
        "choices": CHOICES,
        "when": timezone.localtime(theirs.at),
    }
    return render(request, "admin/procedures/draft/conflict.html", context, status=status)


def merge_view(model_admin):
    """POST .../<pk>/merge/: the choices made on the conflict page. The merged text goes
    into the desk, to be checked and saved."""

    @require_POST
    def view(request, pk):
        draft = get_object_or_404(Draft, pk=pk)
        if not model_admin.has_change_permission(request, draft):
            raise PermissionDenied
        try:
            mine = json.loads(request.POST.get("mine", ""))
            base = int(request.POST.get("base", "0"))
            seen = int(request.POST.get("theirs", "0"))
        except ValueError:
            messages.error(request, "The merge form was incomplete: open the draft again.")
            return redirect("admin:procedures_draft_change", pk)
        theirs = revisions.latest(draft)
        if theirs is None or not isinstance(mine, dict):
            return redirect("admin:procedures_draft_change", pk)
        if theirs.number != seen:
            # Saved once more meanwhile: merge with that one instead.
            return _render(model_admin, request, draft, base=base, mine=mine, theirs=theirs)
        started = revisions.at_or_before(draft, base) if base else None
        merge = merging.merge_values(started.values if started else {}, mine, theirs.values)
        choices = {
            key: request.POST.get(f"choice-{key}", merging.MINE)
            for key in [clash.key for clash in merge.clashes + merge.body.clashes]
        }
        values = merge.result(choices)
        values["revision"] = theirs.number
        path = reverse("admin:procedures_draft_change", args=[pk])
        kept_text.keep(
            request,
            path,
            values,
            f"Your changes and {theirs.by}'s are merged in the form below. They are not saved "
            "yet: check the text, then save.",
        )
        return redirect(path)

    return view
