"""Checking every external address of the manual and recording what each gave."""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import timezone

from links import collecting
from links.fetching import Fetcher, Politeness
from links.models import ExternalLink

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Checked:
    """A run's totals: how many addresses were checked, and how many of each status."""

    counts: dict

    @property
    def total(self):
        return sum(self.counts.values())

    def __str__(self):
        parts = ", ".join(f"{status} {count}" for status, count in sorted(self.counts.items()))
        return f"{self.total} checked ({parts})" if self.total else "no external links"


def check_links(*, urls=None, fetcher=None) -> Checked:
    """Check `urls` (by default every external address the manual links to) and record
    what each gave."""
    if urls is None:
        urls = list(collecting.external_links())
    fetcher = fetcher or Fetcher(Politeness.from_settings())
    counts = Counter()
    for url in _taking_turns_between_hosts(urls):
        answer = fetcher.check(url)
        record(url, answer)
        counts[answer.status] += 1
        logger.info("event=link_checked status=%s url=%s", answer.status, url)
    return Checked(dict(counts))


def record(url, answer, *, now=None) -> ExternalLink:
    now = now or timezone.now()
    link, _ = ExternalLink.objects.get_or_create(
        url=url, defaults={"host": (urlsplit(url).hostname or "")[:255]}
    )
    link.status = answer.status
    link.http_status = answer.http_status
    link.problem = answer.problem[:300]
    link.redirect_to = answer.redirect_to[:2000]
    link.withdrawn_notice = answer.withdrawn_notice[:300]
    link.last_checked_at = now
    if answer.status in (ExternalLink.Status.OK, ExternalLink.Status.MOVED):
        link.last_ok_at = now  # a moved address still leads to a working page
    link.save()
    return link


def _taking_turns_between_hosts(urls):
    """The addresses ordered so that one host's come as far apart as they can: the pause
    each host is owed (HostPacer) passes while the others are asked."""
    by_host = defaultdict(list)
    for url in sorted(set(urls)):
        by_host[urlsplit(url).hostname or ""].append(url)
    queues = sorted(by_host.values(), key=len, reverse=True)
    ordered = []
    while queues:
        for queue in queues:
            ordered.append(queue.pop(0))
        queues = [queue for queue in queues if queue]
    return ordered
