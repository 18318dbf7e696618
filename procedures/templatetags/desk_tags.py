"""The admin home page's "Waiting for you" panel (templates/admin/index.html)."""

from django import template

from procedures import desk

register = template.Library()


@register.inclusion_tag("admin/procedures/includes/waiting.html")
def waiting_for(user):
    return desk.waiting_for(user)
