"""Readers report a problem with a chapter; managers see those reports with a few anonymous
figures (most-read chapters by week, searches that found nothing). Nothing here records who
a reader is: no cookies, addresses or browser details, only what they choose to tell us."""
