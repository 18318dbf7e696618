"""Report a problem with a chapter: the form (not page-cached: it carries a CSRF token) and
the thank-you page. The chapter page itself only links here, so it stays the same for every
reader. Storing is reports.py's job; sending is the background job's."""

import re

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from feedback import reports, tasks
from feedback.forms import ProblemForm
from feedback.models import Feedback
from portal import limits
from portal.clientip import client_ip
from procedures import selectors

VERSION = re.compile(r"\d{1,9}")


@never_cache
@require_http_methods(["GET", "POST"])
def report(request, slug):
    chapter, current, moved = _chapter(request, slug, "feedback:report")
    if moved:
        return moved
    data = request.POST if request.method == "POST" else request.GET
    version = _version_read(chapter, data.get("version"), current)
    partnership = getattr(request, "partnership", None)
    form = ProblemForm(request.POST if request.method == "POST" else None, partnership=partnership)
    if form.is_valid():
        verdict = limits.check("feedback-client", client_ip(request) or "-")
        if not verdict.allowed:
            return limits.too_many(request, verdict, what="Reporting a problem")
        feedback = reports.report_problem(
            version=version,
            partnership=partnership,
            what_is_wrong=form.cleaned_data["what_is_wrong"],
            email=form.cleaned_data["email"],
            about=form.cleaned_data["about"],
        )
        tasks.email_after_commit(feedback)
        thanks = reverse("feedback:thanks", kwargs={"slug": chapter.slug})
        return redirect(f"{thanks}?sent={feedback.about}")
    return render(
        request,
        "feedback/report.html",
        {
            "form": form,
            "chapter": chapter,
            "version": version,
            "current": current,
            "business_unit": reports.business_unit_email(partnership),
        },
    )


@require_safe
def thanks(request, slug):
    chapter, current, moved = _chapter(request, slug, "feedback:thanks")
    if moved:
        return moved
    return render(
        request,
        "feedback/thanks.html",
        {
            "chapter": chapter,
            "current": current,
            # Whom the report went to, said back to the reader: the address names only
            # which text it was about, so the page stays the same for everyone.
            "to_business_unit": request.GET.get("sent") == Feedback.About.LOCAL
            and bool(reports.business_unit_email(getattr(request, "partnership", None))),
        },
    )


def _chapter(request, slug, view_name):
    """(chapter, its current version, None), or a redirect from a former slug as the third;
    404 for an unknown chapter or one not yet in effect."""
    chapter, renamed = selectors.find_chapter(slug)
    if chapter is None:
        raise Http404("There is no chapter at this address.")
    if renamed:
        query = request.META.get("QUERY_STRING", "")
        url = reverse(view_name, kwargs={"slug": chapter.slug})
        return chapter, None, redirect(f"{url}?{query}" if query else url, permanent=True)
    current = selectors.current_version(chapter)
    if current is None:
        raise Http404("This chapter has not taken effect yet.")
    return chapter, current, None


def _version_read(chapter, raw, current):
    """The version the reader was reading (from the link on its page); the current one when
    the address names no version of this chapter."""
    if raw and VERSION.fullmatch(raw):
        found = selectors.version(chapter, int(raw))
        if found is not None:
            return found
    return current
