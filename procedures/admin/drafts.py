"""Drafting and publishing one chapter: the draft form, its preview and its review."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from procedures import desk, publishing, revisions, selectors
from procedures.admin import autosave, comments, conflicts, history, kept_text
from procedures.admin.common import AfterSave, ReadOnlyOncePublished, message_lines
from procedures.admin.draft_form import EDITED, DraftForm, table_fields
from procedures.drafts import fingerprint, prepare
from procedures.models import Chapter, ChapterVersion, Draft
from procedures.pages import render_version_page
from procedures.reviewing import review

# Shown on a saved draft and never edited by hand: publishing fills them in.
PUBLISHING_FIELDS = [
    "based_on",
    "status",
    "created_by",
    "authors_list",
    "published_at",
    "published_by",
    "published_version_link",
]


class SentForReviewFilter(admin.SimpleListFilter):
    title = "sent for review"
    parameter_name = "sent"

    def lookups(self, request, model_admin):
        return [("yes", "Sent for review"), ("no", "Not yet")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(review_request__isnull=self.value() == "no")
        return queryset


@admin.register(Draft)
class DraftAdmin(ReadOnlyOncePublished, AfterSave, admin.ModelAdmin):
    form = DraftForm
    change_form_template = "admin/procedures/draft/change_form.html"
    list_display = [
        "__str__",
        "status",
        "sent_for_review",
        "release",
        "created_by",
        "updated_at",
        "review_link",
    ]
    list_filter = ["status", SentForReviewFilter, "release"]
    search_fields = ["title", "chapter_number", "chapter__slug", "summary"]
    list_select_related = ["release", "created_by", "review_request__by"]

    def get_fieldsets(self, request, obj=None):
        first = ["chapter", "slug", "chapter_number", "title", "part"]
        if obj is None:
            first.insert(1, "based_on")
        # What an amendment rarely changes is folded away (opened when it has an error), so
        # the save buttons are a few Tabs after the summary.
        amendment = [
            "summary", "minor", "effective_date", "review_date", "no_review_reason", "release",
        ]  # fmt: skip
        fieldsets = [
            (None, {"fields": first}),
            # The revision the page started from and the page's token: see DraftForm.
            ("Chapter text", {"fields": ["body", "revision", "desk"]}),
            ("Amendment", {"fields": amendment}),
            ("What to do now", {"fields": ["routes"], "classes": ["collapse"]}),
            ("Related chapters", {"fields": ["related"], "classes": ["collapse"]}),
            (
                "Withdrawal",
                {
                    "fields": ["withdraw", "withdrawn_reason", "replaced_by"],
                    "classes": ["collapse"],
                },
            ),
        ]
        extra = table_fields(EDITED)
        if extra:
            fieldsets.append(("More about this version", {"fields": extra}))
        if obj is not None:
            fieldsets.append(("Publishing", {"fields": PUBLISHING_FIELDS}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["chapter", *PUBLISHING_FIELDS]

    @admin.display(description="Written or edited by")
    def authors_list(self, obj):
        return ", ".join(str(user) for user in obj.authors.all()) or "-"

    @admin.display(description="Published as")
    def published_version_link(self, obj):
        if obj.published_version_id is None:
            return "-"
        version = obj.published_version
        return format_html('<a href="{}">{}</a>', version.get_absolute_url(), version)

    @admin.display(description="Sent for review", ordering="review_request__at")
    def sent_for_review(self, obj):
        sent = getattr(obj, "review_request", None)
        if obj.is_published or sent is None:
            return "-"
        return f"{sent.at:%-d %b %Y, %H:%M} by {sent.by}"

    @admin.display(description="Review")
    def review_link(self, obj):
        url = reverse("admin:procedures_draft_review", args=[obj.pk])
        return format_html('<a href="{}">Review {}</a>', url, obj)

    def get_changeform_initial_data(self, request):
        """'Draft the next version' links here with ?chapter=<id>: start from its latest text."""
        initial = super().get_changeform_initial_data(request)
        chapter_id = request.GET.get("chapter", "")
        chapter = Chapter.objects.filter(pk=chapter_id).first() if chapter_id.isdigit() else None
        if chapter is None:
            initial.pop("chapter", None)  # a malformed address starts a blank draft
            return initial
        latest = selectors.latest_version(chapter)
        if latest is None:
            return initial
        text = latest
        if latest.is_withdrawn:
            # Reinstating a withdrawn chapter starts from the last text it had.
            text = (
                ChapterVersion.objects.filter(chapter=chapter)
                .exclude(change=ChapterVersion.Change.WITHDRAWN)
                .order_by("-number")
                .first()
            )
        initial.update(
            chapter=chapter.pk,
            based_on=latest.number,
            chapter_number=latest.chapter_number,
            title=latest.title,
            part=latest.part_id,
            body=text.source if text else "",
            related=[c.pk for c in latest.related.all()],
            routes=list(latest.routes or []),
            # A passed review date is not inherited: the editor sets the next one.
            review_date=latest.review_date
            if latest.review_date and latest.review_date >= selectors.today()
            else None,
        )
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.method == "GET" and obj is not None and not obj.is_published:
            revisions.start(obj)  # so the page has a revision to start from
        if request.method == "GET":
            # Text kept from a save made after the sign-in expired, or from a merge.
            if not hasattr(request, "_desk_kept"):
                request._desk_kept = kept_text.take(request, request.get_full_path())
            if request._desk_kept:
                form = kept_text.with_initial(
                    form, kept_text.initial_from(form, request._desk_kept)
                )
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        published = self._published_meanwhile(request, object_id)
        if published is not None:
            return published
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied:
            # Published between the check above and the save's own (it may not change now).
            published = self._published_meanwhile(request, object_id)
            if published is not None:
                return published
            raise

    def _published_meanwhile(self, request, object_id):
        """Published while the editor was typing: keep their text on the page."""
        if request.method != "POST" or not str(object_id or "").isdigit():
            return None
        draft = Draft.objects.filter(pk=object_id).first()
        if draft is None or not draft.is_published:
            return None
        return render(
            request,
            "admin/procedures/draft/published_meanwhile.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"{draft} was published meanwhile",
                "draft": draft,
                "body": request.POST.get("body", ""),
                "summary": request.POST.get("summary", ""),
            },
            status=409,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        if getattr(form, "conflict", None) is not None:
            return conflicts.conflict_page(self, request, form, obj)
        context["can_publish"] = request.user.has_perm(publishing.PUBLISH_PERMISSION)
        context["sent_for_review"] = getattr(obj, "review_request", None) if obj else None
        context["error_list"] = self._error_list(form)
        if obj is not None and obj.pk:
            context["others_here"] = desk.here(user=request.user, draft=obj)
            context["sent_back"] = desk.sent_back(obj)
            context["comments"] = list(
                obj.comments.select_related("by", "revision").order_by("-at", "-id")[:20]
            )
            context["latest_revision"] = revisions.latest(obj)
            context["desk_url"] = reverse("admin:procedures_draft_desk", args=[obj.pk])
        else:
            context["desk_url"] = reverse("admin:procedures_draft_desk_new")
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _error_list(form):
        """The form's errors for the error summary at the top: (field id or "", message)."""
        found = []
        for name, errors in form.errors.items():
            field = form.fields.get(name)
            for error in errors:
                if field is None:
                    found.append(("", error))
                else:
                    found.append((f"id_{name}", f"{field.label}: {error}"))
        return found

    def after_save(self, request, obj):
        """Save goes straight to the draft's review (preview and comparison); "Send for
        review" also tells the publishers it is ready. "Save and continue editing" stays."""
        if "_continue" in request.POST or "_addanother" in request.POST:
            return None
        if "_send_for_review" in request.POST:
            desk.send_for_review(by=request.user, draft=obj)
            messages.success(request, f"Saved and sent '{obj}' for review by a publisher.")
        else:
            messages.success(request, f"Saved '{obj}'.")
        return redirect("admin:procedures_draft_review", obj.pk)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        obj.authors.add(request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        revisions.record(form.instance, by=request.user, desk=form.cleaned_data.get("desk", ""))
        prepared = prepare(form.instance)
        if prepared.problems:
            messages.warning(
                request,
                message_lines(
                    "Saved. Publishing is blocked until these are fixed:",
                    *(str(problem) for problem in prepared.problems),
                ),
            )

    def delete_model(self, request, obj):
        publishing.discard(by=request.user, draft=obj)

    def delete_queryset(self, request, queryset):
        for draft in queryset:
            publishing.discard(by=request.user, draft=draft)

    def get_urls(self):
        view = self.admin_site.admin_view

        def json_view(function):  # answers for itself when signed out (401), never a redirect
            return never_cache(csrf_protect(function))

        urls = super().get_urls()
        for pattern in urls:
            if pattern.name in ("procedures_draft_add", "procedures_draft_change"):
                pattern.callback = kept_text.signed_out_keeps_the_text(
                    self.admin_site, pattern.callback
                )
        return [
            path(
                "desk/new/",
                json_view(autosave.new_draft_view(self)),
                name="procedures_draft_desk_new",
            ),
            path(
                "<int:pk>/desk/", json_view(autosave.desk_view(self)), name="procedures_draft_desk"
            ),
            path(
                "<int:pk>/history/",
                view(history.history_view(self)),
                name="procedures_draft_history",
            ),
            path(
                "<int:pk>/history/<int:a>...<int:b>/",
                view(history.compare_view(self)),
                name="procedures_draft_compare",
            ),
            path(
                "<int:pk>/history/<int:number>/restore/",
                view(history.restore_view(self)),
                name="procedures_draft_restore",
            ),
            path(
                "<int:pk>/merge/", view(conflicts.merge_view(self)), name="procedures_draft_merge"
            ),
            path(
                "<int:pk>/comment/",
                view(comments.comment_view(self)),
                name="procedures_draft_comment",
            ),
            path("<int:pk>/preview/", view(self.preview_view), name="procedures_draft_preview"),
            path("<int:pk>/review/", view(self.review_view), name="procedures_draft_review"),
            path("<int:pk>/publish/", view(self.publish_view), name="procedures_draft_publish"),
            path("<int:pk>/rebase/", view(self.rebase_view), name="procedures_draft_rebase"),
            path(
                "<int:pk>/send-for-review/",
                view(self.send_for_review_view),
                name="procedures_draft_send_for_review",
            ),
        ] + urls

    def _draft(self, request, pk):
        draft = get_object_or_404(
            Draft.objects.select_related("chapter", "part", "release", "replaced_by"), pk=pk
        )
        if not self.has_view_permission(request, draft):
            raise PermissionDenied
        return draft

    def preview_view(self, request, pk):
        """The draft in the public chapter template: what practitioners will see."""
        draft = self._draft(request, pk)
        prepared = prepare(draft)
        shown = prepared.as_version()
        chapter = draft.chapter
        return render_version_page(
            request,
            shown,
            current=selectors.current_version(chapter) if chapter else None,
            extra={
                "draft_preview": draft,
                "is_current": True,
                "sections": [s for s in prepared.rendered.sections if s.anchor],
                "history": [shown, *(selectors.history(chapter) if chapter else [])],
                "related": selectors.current_of(draft.related.all()),
                "linking_here": selectors.linking_here(chapter) if chapter else [],
            },
        )

    def review_view(self, request, pk):
        """The diff against the chapter's latest version, problems, and the publish button."""
        draft = self._draft(request, pk)
        can_publish = request.user.has_perm(publishing.PUBLISH_PERMISSION)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{'Review and publish' if can_publish else 'Review'}: {draft}",
            "draft": draft,
            "can_publish": can_publish,
            "can_change": self.has_change_permission(request, draft),
            "sent_for_review": getattr(draft, "review_request", None),
            "sent_back": desk.sent_back(draft),
            "comments": list(draft.comments.select_related("by", "revision").order_by("at")),
            "kept_comment": comments.kept_comment(request, draft.pk),
            **review(draft, user=request.user),
        }
        if not draft.is_published:
            context["approved"] = fingerprint([context["prepared"]])
            context["last_look"] = desk.look(
                user=request.user, draft=draft, fingerprint=context["approved"]
            )
        return render(request, "admin/procedures/draft/review.html", context)

    def send_for_review_view(self, request, pk):
        draft = self._draft(request, pk)
        if request.method != "POST":
            return redirect("admin:procedures_draft_review", pk)
        if not self.has_change_permission(request, draft):
            raise PermissionDenied
        desk.send_for_review(by=request.user, draft=draft)
        messages.success(request, f"Sent '{draft}' for review by a publisher.")
        return redirect("admin:procedures_draft_review", pk)

    def publish_view(self, request, pk):
        draft = self._draft(request, pk)
        if request.method != "POST":
            return redirect("admin:procedures_draft_review", pk)
        try:
            (version,) = publishing.publish(
                by=request.user, draft=draft, approved=request.POST.get("approved", "")
            )
        except publishing.PublishingError as error:
            messages.error(request, message_lines(*error.lines()))
            return redirect("admin:procedures_draft_review", pk)
        messages.success(
            request,
            format_html(
                'Published <a href="{}">{}</a>, effective {}.',
                version.get_absolute_url(),
                version,
                f"{version.effective_date.day} {version.effective_date:%B %Y}",
            ),
        )
        return redirect("admin:procedures_draft_change", pk)

    def rebase_view(self, request, pk):
        """After the chapter moved on: the editor confirms the draft now includes the changes
        made since, and the draft is based on the latest version."""
        draft = self._draft(request, pk)
        if request.method != "POST":
            return redirect("admin:procedures_draft_review", pk)
        if not self.has_change_permission(request, draft) or draft.chapter is None:
            raise PermissionDenied
        try:
            number = publishing.rebase(by=request.user, draft=draft)
        except publishing.PublishingError as error:
            messages.error(request, str(error))
            return redirect("admin:procedures_draft_review", pk)
        messages.success(
            request,
            f"The draft is now based on version {number}. Check it includes what changed "
            f"in version {number}, then ask a publisher to review it.",
        )
        return redirect("admin:procedures_draft_review", pk)
