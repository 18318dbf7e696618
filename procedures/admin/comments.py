"""Comments on a draft's lines, and a publisher sending a draft back to its editor with one
(procedures.desk records them; the editor is emailed through the worker)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from procedures import desk, publishing
from procedures.models import Draft


def _line(value):
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise desk.DeskError(f"'{value}' is not a line number: give a number such as 12.")
    return int(value)


def kept_key(pk):
    return f"desk-comment:{pk}"


def kept_comment(request, pk):
    """A comment refused a moment ago (its text is shown again), else an empty one."""
    return request.session.pop(kept_key(pk), None) or {"text": "", "line": ""}


def comment_view(model_admin):
    """POST .../<pk>/comment/: a comment, on a line if one is given. `_send_back` (a
    publisher only) also sends the draft back to its editor."""

    @require_POST
    def view(request, pk):
        draft = get_object_or_404(Draft, pk=pk)
        if not model_admin.has_view_permission(request, draft):
            raise PermissionDenied
        sending_back = "_send_back" in request.POST
        if sending_back and not request.user.has_perm(publishing.PUBLISH_PERMISSION):
            raise PermissionDenied
        back_to = request.POST.get("next") or "review"
        try:
            line = _line(request.POST.get("line"))
            text = request.POST.get("text", "")
            if sending_back:
                desk.send_back(by=request.user, draft=draft, text=text, line=line)
                messages.success(request, f"Sent '{draft}' back to its editor with your comment.")
            else:
                desk.comment(by=request.user, draft=draft, text=text, line=line)
                messages.success(request, "Your comment is added to the draft.")
        except desk.DeskError as error:
            messages.error(request, str(error))
            # Shown again in the comment form, so nothing typed is lost.
            request.session[kept_key(pk)] = {
                "text": request.POST.get("text", ""),
                "line": request.POST.get("line", ""),
            }
        view_name = "change" if back_to == "change" else "review"
        return redirect(f"admin:procedures_draft_{view_name}", pk)

    return view
