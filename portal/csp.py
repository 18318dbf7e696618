"""django-csp's middleware, with the policy string built once instead of for every response.

With no nonce (templates use none) and no per-view override, every response carries the same
policy; building it (a dataclass copy and a string join, twice) was about a sixth of the cost
of serving a cached chapter page. Anything unusual is left to django-csp itself.
"""

from functools import cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

PER_RESPONSE = ("_csp_exempt", "_csp_exempt_ro", "_csp_config", "_csp_config_ro")
PER_RESPONSE += ("_csp_update", "_csp_update_ro", "_csp_replace", "_csp_replace_ro")
SETTINGS = {
    HEADER: "CONTENT_SECURITY_POLICY",
    HEADER_REPORT_ONLY: "CONTENT_SECURITY_POLICY_REPORT_ONLY",
}


@cache
def _policies():
    """(header, policy, excluded path prefixes) for each policy the settings define."""
    policies = []
    for header, name in SETTINGS.items():
        policy = build_policy(report_only=header == HEADER_REPORT_ONLY)
        if policy:
            prefixes = tuple(
                (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            )
            policies.append((header, policy, prefixes))
    return policies


@receiver(setting_changed)
def _forget_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policies.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in PER_RESPONSE)
        ):
            return super().process_response(request, response)
        for header, policy, excluded in _policies():
            if header not in response and not request.path_info.startswith(excluded):
                response[header] = policy
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
