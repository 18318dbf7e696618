"""The editing desk's preview asks what is known of the addresses it links to
(procedures.signals.preview_link_statuses); this app answers from its last checks."""

from django.dispatch import receiver

from links.models import REPORTED, ExternalLink
from procedures.signals import preview_link_statuses


@receiver(preview_link_statuses, dispatch_uid="links-preview-statuses")
def known_problems(sender, urls, **kwargs):
    found = {}
    for link in ExternalLink.objects.filter(url__in=list(urls), status__in=REPORTED):
        found[link.url] = (link.get_status_display().lower(), describe(link))
    return found


def describe(link):
    """One line on what the checker found, for the preview and the report."""
    if link.status == ExternalLink.Status.WITHDRAWN:
        return link.withdrawn_notice or "the page says it was withdrawn"
    if link.status == ExternalLink.Status.MOVED:
        return f"now at {link.redirect_to}"
    return link.problem or "not working"
