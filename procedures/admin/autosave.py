"""The desk's conversation with the server while an editor types (staff only, CSRF-checked,
JSON): every few seconds it says the draft is open (who else has it open comes back), and a
few seconds after typing stops it saves the text (a new draft is created by its first
autosave). procedures/static/procedures/desk-keeper.js does the asking; without JavaScript the
page's Save buttons do it all.

Answers: {"saved", "revision", "saved_at", "others", "newer", "errors", "signed_out",
"published", "change_url"}; 401 when the sign-in expired (the text stays in the page and the
browser), 409 when someone else saved after the page's revision (nothing saved).
"""

from django.db import transaction
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from procedures import desk, revisions
from procedures.models import Draft, DraftRevision


def answer(status=200, **data):
    return JsonResponse(data, status=status)


def _time(moment):
    return f"{timezone.localtime(moment):%H:%M}"


def people(presences):
    return [
        {
            "name": presence.user.get_full_name() or presence.user.username,
            "since": _time(presence.seen_at),
        }
        for presence in presences
    ]


def newer(revision):
    if revision is None:
        return None
    return {"by": str(revision.by), "at": _time(revision.at), "revision": revision.number}


def desk_view(model_admin):
    """POST /admin/procedures/draft/<pk>/desk/: presence, and the autosave when
    `_autosave` is posted with the form's fields."""

    @require_POST
    def view(request, pk):
        if not model_admin.admin_site.has_permission(request):
            return answer(401, signed_out=True)
        draft = Draft.objects.filter(pk=pk).select_related("chapter").first()
        if draft is None or not model_admin.has_view_permission(request, draft):
            return answer(404, errors=["There is no such draft."])
        others = people(desk.here(user=request.user, draft=draft))
        base = _number(request.POST.get("revision"))
        token = request.POST.get("desk", "")[:64]
        if "_autosave" not in request.POST:
            return answer(
                others=others,
                newer=newer(revisions.newer_than(draft, base=base, desk=token)),
            )
        if draft.is_published:
            return answer(409, saved=False, published=True, others=others)
        if not model_admin.has_change_permission(request, draft):
            return answer(403, saved=False, errors=["You may not change this draft."])
        form_class = model_admin.get_form(request, draft, change=True)
        result = _save(request, form_class(request.POST, instance=draft), token)
        return answer(result.pop("status", 200), others=others, **result)

    return view


def new_draft_view(model_admin):
    """POST /admin/procedures/draft/desk/new/: the first autosave of a new draft creates it,
    once its form holds enough to save (a number, a title and a part)."""

    @require_POST
    def view(request):
        if not model_admin.admin_site.has_permission(request):
            return answer(401, signed_out=True)
        if not model_admin.has_add_permission(request):
            return answer(403, saved=False, errors=["You may not add drafts."])
        form_class = model_admin.get_form(request, None, change=False)
        result = _save(request, form_class(request.POST), request.POST.get("desk", "")[:64])
        if result.get("saved"):
            result["change_url"] = reverse("admin:procedures_draft_change", args=[result["draft"]])
        return answer(result.pop("status", 200), others=[], **result)

    return view


def _save(request, form, token):
    """Validate and save the posted form as an autosave (the version rules are not asked)."""
    form.check_rules = False
    with transaction.atomic():
        if not form.is_valid():
            if form.conflict is not None:
                return {"status": 409, "saved": False, "newer": newer(form.conflict)}
            errors = [
                f"{form.fields[name].label if name in form.fields else ''}: {message}".lstrip(": ")
                for name, messages in form.errors.items()
                for message in messages
            ]
            return {"saved": False, "errors": errors}
        draft = form.save(commit=False)
        if draft.pk is None:
            draft.created_by = request.user
        draft.save()
        form.save_m2m()
        draft.authors.add(request.user)
        revision = revisions.record(
            draft, by=request.user, kind=DraftRevision.Kind.AUTOSAVE, desk=token
        )
    return {
        "saved": True,
        "draft": draft.pk,
        "revision": revision.number,
        "saved_at": _time(revision.at),
    }


def _number(value):
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0
