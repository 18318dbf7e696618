"""Pieces the admin's pages share."""

from django.utils.html import format_html, format_html_join


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
