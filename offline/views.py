"""The views behind the saved copy. Each answers the same for every reader of an address
(the partnership is in the address), so the JSON ones are page-cached."""

import hashlib
import json
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import get_conditional_response

from procedures import selectors
from procedures.caching import cached_page

WORKER = (Path(__file__).parent / "worker.js").read_bytes()
WORKER_ETAG = f'"{hashlib.sha256(WORKER).hexdigest()[:16]}"'
NAME = "Safeguarding Children Procedures"
THEME = "#0b0c0c"
# Everything the saved pages load (and, listed with each chapter, its print stylesheet: the
# running header and footer of a saved chapter printed offline).
ASSETS = (
    "build/portal.css",
    "build/govuk-frontend.min.js",
    "js/init.js",
    "js/govuk-init.js",
    "js/print-time.js",
    "js/print-margins.js",
    "js/offline.js",
    "images/favicon.ico",
    "images/favicon.svg",
    "images/apple-touch-icon.png",
    "build/assets/images/govuk-crest.svg",
    "images/app-icon-192.png",
    "images/app-icon-512.png",
)


def worker(request):
    """The service worker. Browsers check it for a new version on every visit (no-cache); it
    may control the whole site from a partnership's address (Service-Worker-Allowed)."""
    response = get_conditional_response(request, etag=WORKER_ETAG) or HttpResponse(
        WORKER, content_type="text/javascript; charset=utf-8"
    )
    response["ETag"] = WORKER_ETAG
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@cached_page
def manifest(request):
    icon = "image/png"
    return JsonResponse(
        {
            # One app whichever partnership's page it was installed from.
            "id": "/",
            "name": NAME,
            "short_name": "Procedures",
            "description": "Safeguarding children procedures, readable without a connection.",
            "lang": "en-GB",
            "start_url": reverse("procedures:contents"),
            "scope": "/",
            "display": "standalone",
            "theme_color": THEME,
            "background_color": "#ffffff",
            "icons": [
                {"src": static("images/app-icon-192.png"), "sizes": "192x192", "type": icon},
                {"src": static("images/app-icon-512.png"), "sizes": "512x512", "type": icon},
                {
                    "src": static("images/app-icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": icon,
                    "purpose": "maskable",
                },
            ],
        },
        content_type="application/manifest+json",
    )


@cached_page
def about(request):
    return render(request, "offline/about.html")


def _assets():
    hashed = [static(name) for name in ASSETS]
    # govuk-init.js imports GOV.UK Frontend by its plain name: the manifest storage does not
    # rewrite module imports, so that name is saved as well.
    plain = f"{settings.STATIC_URL}build/govuk-frontend.min.js"
    return hashed if plain in hashed else [*hashed, plain]


@cached_page
def copy(request):
    """What the saved copy holds: pages, current chapters with their versions, static files."""
    partnership = getattr(request, "partnership", None)
    chapters = [
        {
            "url": reverse("procedures:chapter", args=[version.chapter.slug]),
            "print": reverse(
                "procedures:print_margins", args=[version.chapter.slug, version.number]
            ),
            "slug": version.chapter.slug,
            "number": version.chapter_number,
            "title": version.title,
            "version": version.number,
            "effective": version.effective_date.isoformat(),
            # A scheduled successor takes effect then: the saved page is out of date after it.
            "replaced_on": version.valid_until.isoformat() if version.valid_until else None,
        }
        for version in selectors.current_versions().defer("source", "html")
    ]
    body = {
        "base": reverse("procedures:contents"),
        "partnership": (
            {"slug": partnership.slug, "name": partnership.name} if partnership else None
        ),
        "pages": [
            {"url": reverse("procedures:contents"), "title": "Contents"},
            {"url": reverse("partnerships:contacts"), "title": "Contacts"},
            {"url": reverse("glossary:glossary"), "title": "Glossary"},
            {"url": reverse("offline:about"), "title": "Reading offline"},
        ],
        "chapters": chapters,
        "assets": _assets(),
    }
    return HttpResponse(json.dumps(body), content_type="application/json")
