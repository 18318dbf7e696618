"""The public chapter page, as the core's admin shows a draft in it.

The page is assembled above the core (`manual.views.render_version_page`: the glossary's
markup, the chosen partnership's local information, What to do now), and the core imports no
feature, so the site installs that function here when it starts (`manual.apps`). The admin's
preview then shows a draft exactly as practitioners will see it.
"""

from django.core.exceptions import ImproperlyConfigured

_render = None


def install(render):
    """Use `render(request, version, *, current, as_of=None, extra=None)` for chapter pages."""
    global _render
    _render = render


def render_version_page(request, version, **kwargs):
    if _render is None:
        raise ImproperlyConfigured("No chapter page is installed: add 'manual' to INSTALLED_APPS.")
    return _render(request, version, **kwargs)
