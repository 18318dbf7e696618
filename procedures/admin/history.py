"""A draft's history in the admin: every saved revision (who, when, how), the comments made
on each, what changed between any two, and restoring an earlier one (as a new revision:
nothing is lost)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from procedures import revisions
from procedures.models import Draft
from procedures.source_diff import line_diff


def _context(model_admin, request, draft, title):
    return {
        **model_admin.admin_site.each_context(request),
        "opts": Draft._meta,
        "title": title,
        "draft": draft,
        "can_change": model_admin.has_change_permission(request, draft),
    }


def history_view(model_admin):
    def view(request, pk):
        draft = get_object_or_404(Draft, pk=pk)
        if not model_admin.has_view_permission(request, draft):
            raise PermissionDenied
        kept = list(draft.revisions.select_related("by").order_by("-number"))
        comments = {}
        for comment in draft.comments.select_related("by").order_by("at", "id"):
            comments.setdefault(comment.revision_id, []).append(comment)
        rows = []
        for index, revision in enumerate(kept):
            older = kept[index + 1] if index + 1 < len(kept) else None
            rows.append(
                {"revision": revision, "older": older, "comments": comments.get(revision.pk, [])}
            )
        context = _context(model_admin, request, draft, f"History of {draft}")
        context.update(rows=rows, latest=kept[0] if kept else None)
        return render(request, "admin/procedures/draft/history.html", context)

    return view


def compare_view(model_admin):
    """GET .../history/<a>...<b>/: what changed from revision a to revision b."""

    def view(request, pk, a, b):
        draft = get_object_or_404(Draft, pk=pk)
        if not model_admin.has_view_permission(request, draft):
            raise PermissionDenied
        found = {
            r.number: r for r in draft.revisions.filter(number__in=[a, b]).select_related("by")
        }
        if a not in found or b not in found:
            raise Http404("No such revision of this draft.")
        old, new = found[a], found[b]
        before = {v.name: v for v in revisions.shown_values(draft, old.values)}
        after = revisions.shown_values(draft, new.values)
        details = [
            {"label": value.label, "before": before[value.name].shown, "after": value.shown}
            for value in after
            if value.name != "body" and before[value.name].shown != value.shown
        ]
        context = _context(
            model_admin, request, draft, f"{draft}: revision {a} compared with revision {b}"
        )
        context.update(
            old=old,
            new=new,
            details=details,
            hunks=line_diff(old.values.get("body") or "", new.values.get("body") or ""),
            latest=revisions.latest(draft),
        )
        return render(request, "admin/procedures/draft/compare.html", context)

    return view


def restore_view(model_admin):
    @require_POST
    def view(request, pk, number):
        draft = get_object_or_404(Draft, pk=pk)
        if not model_admin.has_change_permission(request, draft):
            raise PermissionDenied
        try:
            seen = int(request.POST.get("latest", "0"))
            revision = revisions.restore(draft, number=number, by=request.user, seen_latest=seen)
        except ValueError:
            messages.error(request, "The form was incomplete: look at the history again.")
        except revisions.RevisionError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Restored revision {number} as revision {revision.number}. The text it "
                "replaced stays in the history.",
            )
            return redirect("admin:procedures_draft_change", pk)
        return redirect("admin:procedures_draft_history", pk)

    return view
