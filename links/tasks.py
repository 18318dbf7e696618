"""The weekly link check (django-tasks), run by `manage.py run_worker` like the emails and
PDFs: check every external link, email the managers what needs attention, and ask to run
again next week.

No scheduler runs beside the worker, so the job schedules its own next run; the worker asks
for one when it starts (`schedule_weekly`), and the cache keeps that to one request per week
however many workers start. Running twice in a week is harmless: the email is claimed per
week (report.send_weekly_report)."""

import datetime
import logging

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from links import checking, report
from links.models import WeeklyLinkEmail
from portal import jobs

logger = logging.getLogger(__name__)

RUN_AT = datetime.time(7, 0)  # Monday morning, London time


@task()
def check_links_weekly(attempt: int = 1) -> str:
    checked = checking.check_links()
    try:
        sent = report.send_weekly_report()
    except Exception as error:
        logger.warning("event=link_report_email_failed attempt=%s error=%s", attempt, error)
        jobs.retry_later(send_link_report, attempt=attempt, reason=type(error).__name__)
        sent = "email failed; retrying"
    schedule_weekly()
    logger.info("event=links_checked %s email=%s", checked, sent)
    return f"{checked}; email: {sent}"


@task()
def send_link_report(attempt: int = 1) -> str:
    """The weekly email alone, retried when the mail server failed."""
    try:
        return report.send_weekly_report()
    except Exception as error:
        jobs.retry_later(send_link_report, attempt=attempt, reason=type(error).__name__)
        return "failed"


def schedule_weekly(*, now=None) -> datetime.datetime:
    """Ask for the next weekly check: now if this week's report has not gone, else next
    Monday morning. Asked at most once per week (the cache remembers)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    monday = today - datetime.timedelta(days=today.weekday())
    if WeeklyLinkEmail.objects.filter(week=monday).exists():
        monday += datetime.timedelta(days=7)
        run_after = timezone.make_aware(datetime.datetime.combine(monday, RUN_AT))
    else:
        run_after = now
    key = f"links:weekly-check:{monday.isoformat()}"
    if cache.add(key, True, timeout=int((run_after - now).total_seconds()) + 8 * 86400):
        check_links_weekly.using(run_after=run_after).enqueue()
    return run_after
