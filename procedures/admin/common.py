"""Pieces the admin's pages share."""

from django.utils.html import format_html, format_html_join


class RecordsOnly:
    """Records kept for reading in the admin: nobody adds, changes or deletes them here
    (`deletable_by_superuser` lets a superuser remove one that holds personal details)."""

    deletable_by_superuser = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable_by_superuser and request.user.is_superuser


class AfterSave:
    """A save answers `after_save(request, obj)` where that returns a response (a draft goes
    on to its review), else the admin's usual next page."""

    def after_save(self, request, obj):
        return None

    def response_add(self, request, obj, post_url_continue=None):
        return self.after_save(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self.after_save(request, obj) or super().response_change(request, obj)


class ReadOnlyOncePublished:
    """Published drafts and releases are history: nobody changes or deletes them."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)


def message_lines(first, *rest):
    """A message with a list under it, for the admin's messages framework."""
    if not rest:
        return first
    return format_html(
        "{}<ul>{}</ul>", first, format_html_join("", "<li>{}</li>", ((line,) for line in rest))
    )
