"""Partnerships in the admin: local information and contacts drafted, reviewed and published
through `procedures.publishing.publish`, like chapters.

A partnership editor sees and reaches only their own partnerships' drafts, versions and
details: the lists are filtered, another partnership's object is a 404 by address, and a
forged form is refused by the form and again by `partnerships.publishing` (the service layer
checks whatever reached it). Regional editors and publishers reach every partnership; the
national contacts are for regional publishers only.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html

from partnerships import publishing as partnership_publishing
from partnerships import roles, selectors
from partnerships.drafts import LOCAL, latest_local, prepare
from partnerships.models import (
    ContactsVersion,
    LocalInformation,
    Partnership,
    PartnershipDraft,
    PartnershipEditor,
)
from partnerships.records import contacts_text
from procedures.admin.common import AfterSave, RecordsOnly, message_lines
from procedures.admin.editor import DeskEditor
from procedures.diffing import words_diff
from procedures.drafts import fingerprint
from procedures.models import Chapter
from procedures.publishing import PublishingError


def scoped(queryset, user, field="partnership"):
    """Only the partnerships `user` works on (national rows: regional publishers only)."""
    ids = roles.partnership_ids(user)
    if ids is None:
        if user.has_perm(roles.REGIONAL_PUBLISH):
            return queryset
        return queryset.exclude(**{f"{field}__isnull": True}) if field != "pk" else queryset
    return queryset.filter(**{f"{field}__in": ids})


def works_on_partnerships(user):
    ids = roles.partnership_ids(user)
    return ids is None or bool(ids)


class NotFoundByAddress:
    """Another partnership's object is not found (404), not redirected to the list."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404("No such object, or not one of your partnership's.")


class ScopedReadOnly(NotFoundByAddress, RecordsOnly):
    def has_module_permission(self, request):
        return works_on_partnerships(request.user)

    def has_view_permission(self, request, obj=None):
        return works_on_partnerships(request.user)


class PartnershipDraftForm(forms.ModelForm):
    class Meta:
        model = PartnershipDraft
        fields = [
            "kind",
            "partnership",
            "chapter",
            "section",
            "name",
            "area",
            "body",
            "summary",
            "effective_date",
            "review_date",
            "no_review_reason",
        ]
        widgets = {
            "kind": forms.HiddenInput,
            "body": DeskEditor,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "no_review_reason": forms.Textarea(attrs={"rows": 2}),
        }

    user = None  # set by the admin
    kind_shown = LOCAL  # set by the admin: the kind of draft the form was shown for

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "partnership" in self.fields and self.user is not None:
            self.fields["partnership"].queryset = scoped(
                Partnership.objects.all(), self.user, field="pk"
            )
            self.fields["partnership"].required = not self.user.has_perm(roles.REGIONAL_PUBLISH)

    def clean(self):
        data = super().clean()
        partnership = data.get("partnership", self.instance.partnership)
        try:
            partnership_publishing.check_may_edit(
                self.user, partnership.pk if partnership else None
            )
        except PublishingError as error:
            raise ValidationError(str(error), code="not_your_partnership") from None
        kind = data.get("kind") or self.instance.kind
        if "kind" in data and kind != self.kind_shown:
            # The kind decides the fields shown (and a stored draft's kind never changes).
            raise ValidationError(
                "This form is for another kind of draft: start a new draft of the kind you "
                "want from the partnership's page.",
                code="kind_switched",
            )
        if kind == LOCAL and data.get("chapter", self.instance.chapter) is None:
            self.add_error("chapter", "Choose the chapter the local information appears in.")
        if self.errors:
            return data
        draft = PartnershipDraft(
            pk=self.instance.pk,
            kind=kind,
            partnership=partnership,
            chapter=data.get("chapter", self.instance.chapter),
            section=data.get("section", ""),
            name=data.get("name", ""),
            area=data.get("area", ""),
            body=data.get("body", ""),
            summary=data.get("summary", ""),
            effective_date=data.get("effective_date"),
            review_date=data.get("review_date"),
            no_review_reason=data.get("no_review_reason", ""),
        )
        for problem in prepare(draft).problems:
            if problem.code == "missing_review_date":
                continue  # blocks publishing (the review lists it), not saving
            if problem.field in self.fields and problem.field != "body":
                self.add_error(problem.field, ValidationError(problem.sentence, code=problem.code))
        return data


@admin.register(PartnershipDraft)
class PartnershipDraftAdmin(NotFoundByAddress, AfterSave, admin.ModelAdmin):
    form = PartnershipDraftForm
    list_display = ["__str__", "status", "created_by", "updated_at", "review_link"]
    list_filter = ["status", "kind"]
    list_select_related = ["partnership", "chapter", "created_by"]

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def has_module_permission(self, request):
        return works_on_partnerships(request.user)

    def has_view_permission(self, request, obj=None):
        if obj is not None:
            return roles.may_edit_partnership(request.user, obj.partnership_id) or (
                roles.may_publish_partnership(request.user, obj.partnership_id)
            )
        return works_on_partnerships(request.user)

    def has_add_permission(self, request):
        return works_on_partnerships(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is not None:
            return not obj.is_published and roles.may_edit_partnership(
                request.user, obj.partnership_id
            )
        return works_on_partnerships(request.user)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj) and obj is not None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        kind = obj.kind if obj else request.GET.get("kind", LOCAL)
        form = type(form.__name__, (form,), {"user": request.user, "kind_shown": kind})
        if kind != LOCAL and "body" in form.base_fields:
            # Contacts are YAML, not markdown: a plain text box, without a markdown preview.
            body = form.base_fields["body"]
            body.widget = forms.Textarea(attrs={"rows": 24, "cols": 80, "spellcheck": "false"})
            body.label = "Contacts"
        return form

    def get_fields(self, request, obj=None):
        kind = obj.kind if obj else request.GET.get("kind", LOCAL)
        if kind == LOCAL:
            return ["kind", "partnership", "chapter", "section", "body", "summary",
                    "effective_date", "review_date", "no_review_reason"]  # fmt: skip
        return ["kind", "partnership", "name", "area", "body", "summary", "effective_date",
                "review_date", "no_review_reason"]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        return ["partnership", "chapter"] if obj is not None else []

    def get_changeform_initial_data(self, request):
        """Links from a partnership's page start from what is published now."""
        initial = super().get_changeform_initial_data(request)
        get = request.GET
        partnership = (
            scoped(Partnership.objects.all(), request.user, field="pk")
            .filter(
                pk=get.get("partnership") if str(get.get("partnership", "")).isdigit() else None
            )
            .first()
        )
        kind = get.get("kind", LOCAL)
        initial["kind"] = kind if kind in PartnershipDraft.Kind.values else LOCAL
        if initial["kind"] == LOCAL:
            chapter = Chapter.objects.filter(
                pk=get.get("chapter") if str(get.get("chapter", "")).isdigit() else None
            ).first()
            latest = latest_local(partnership.pk, chapter.pk) if partnership and chapter else None
            if latest is not None:
                initial.update(body=latest.source, section=latest.section)
        elif partnership is not None:
            initial.update(
                name=partnership.name,
                area=partnership.area,
                body=contacts_text(selectors.newest_contacts(partnership)),
            )
        elif get.get("national") and request.user.has_perm(roles.REGIONAL_PUBLISH):
            initial["body"] = contacts_text(selectors.newest_contacts(None), national=True)
        return initial

    def save_model(self, request, obj, form, change):
        # The form already refused another partnership; the service checks again.
        partnership_publishing.save_draft(by=request.user, draft=obj)

    def delete_model(self, request, obj):
        partnership_publishing.discard(by=request.user, draft=obj)

    def delete_queryset(self, request, queryset):
        for draft in queryset:
            partnership_publishing.discard(by=request.user, draft=draft)

    def after_save(self, request, obj):
        if "_continue" in request.POST or "_addanother" in request.POST:
            return None
        messages.success(request, f"Saved '{obj}'.")
        return redirect("admin:partnerships_partnershipdraft_review", obj.pk)

    @admin.display(description="Review")
    def review_link(self, obj):
        url = reverse("admin:partnerships_partnershipdraft_review", args=[obj.pk])
        return format_html('<a href="{}">Review {}</a>', url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/review/",
                view(self.review_view),
                name="partnerships_partnershipdraft_review",
            ),
            path(
                "<int:pk>/publish/",
                view(self.publish_view),
                name="partnerships_partnershipdraft_publish",
            ),
        ] + super().get_urls()

    def _draft(self, request, pk):
        draft = get_object_or_404(
            self.get_queryset(request).select_related("partnership", "chapter"), pk=pk
        )
        if not self.has_view_permission(request, draft):
            raise PermissionDenied
        return draft

    def review_view(self, request, pk):
        """What would change (a word diff against the published version), the public box as
        practitioners will see it, the problems, and the publish button."""
        draft = self._draft(request, pk)
        prepared = prepare(draft)
        # An urgent correction is compared with the version in force it corrects.
        previous = prepared.corrects or prepared.previous
        if draft.kind == LOCAL:
            before = previous.text if previous else ""
            after = prepared.rendered.text
            shown = draft.published_local if draft.is_published else prepared.as_local_information()
            box = render_to_string(
                "partnerships/local_box.html",
                {"local": shown, "partnership": draft.partnership, "preview": True},
            )
        else:
            before = previous.contacts if previous else ""
            after = (
                draft.published_contacts.contacts
                if draft.is_published
                else prepared.record.contacts_text
            )
            box = ""
        cannot = partnership_publishing.can_publish_partnership(request.user, draft)
        can_publish = not draft.is_published and not cannot
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{'Review and publish' if can_publish else 'Review'}: {draft}",
            "draft": draft,
            "prepared": prepared,
            "previous": previous,
            "diff": words_diff(before, after) if not draft.is_published else None,
            "box": box,
            "problems": [] if draft.is_published else prepared.problems,
            "can_publish": can_publish,
            "cannot_publish": partnership_publishing.can_publish_partnership(request.user, draft),
            "can_change": self.has_change_permission(request, draft),
            "approved": fingerprint([prepared]) if not draft.is_published else "",
        }
        return render(request, "admin/partnerships/partnershipdraft/review.html", context)

    def publish_view(self, request, pk):
        draft = self._draft(request, pk)
        if request.method != "POST":
            return redirect("admin:partnerships_partnershipdraft_review", pk)
        try:
            (version,) = partnership_publishing.publish(
                by=request.user, draft=draft, approved=request.POST.get("approved", "")
            )
        except PublishingError as error:
            messages.error(request, message_lines(*error.lines()))
            return redirect("admin:partnerships_partnershipdraft_review", pk)
        messages.success(request, f"Published {version}.")
        return redirect("admin:partnerships_partnershipdraft_review", pk)


@admin.register(Partnership)
class PartnershipAdmin(ScopedReadOnly, admin.ModelAdmin):
    """A partnership's details, with links to draft its contacts and local information."""

    list_display = ["name", "area", "slug", "draft_links"]
    readonly_fields = ["name", "area", "slug", "draft_links"]
    fields = readonly_fields

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user, field="pk")

    @admin.display(description="Draft")
    def draft_links(self, obj):
        add = reverse("admin:partnerships_partnershipdraft_add")
        return format_html(
            '<a href="{}?kind=contacts&amp;partnership={}">Change details and contacts</a>; '
            '<a href="{}?kind=local&amp;partnership={}">Local information</a>',
            add,
            obj.pk,
            add,
            obj.pk,
        )


@admin.register(LocalInformation)
class LocalInformationAdmin(ScopedReadOnly, admin.ModelAdmin):
    """Published local information: every version is kept and none changes."""

    list_display = ["__str__", "effective_date", "summary", "published_by", "draft_next"]
    list_filter = ["partnership"]
    list_select_related = ["partnership", "chapter", "published_by"]
    exclude = ["html", "text", "source_hash"]

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    @admin.display(description="Next version")
    def draft_next(self, obj):
        if obj.valid_until is not None:
            return ""  # the next version follows the newest
        url = reverse("admin:partnerships_partnershipdraft_add")
        return format_html(
            '<a href="{}?kind=local&amp;partnership={}&amp;chapter={}">Draft the next version</a>',
            url,
            obj.partnership_id,
            obj.chapter_id,
        )


@admin.register(ContactsVersion)
class ContactsVersionAdmin(ScopedReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "published_at", "summary", "published_by"]
    list_select_related = ["partnership", "published_by"]

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)


@admin.register(PartnershipEditor)
class PartnershipEditorAdmin(admin.ModelAdmin):
    """Who edits which partnership: administrators only (no group has these permissions)."""

    list_display = ["user", "partnership"]
