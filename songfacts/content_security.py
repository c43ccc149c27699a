"""The Content-Security-Policy header, built once.

django-csp's middleware builds the policy anew for every response, for the nonces and
per-view policies it supports (0.19 ms a response here, more than serving a cached page's
content). The site uses neither: no view sets a policy of its own and no template asks for a
nonce, so every response carries the same header, built from CONTENT_SECURITY_POLICY once.
Should a view or a template start to use them, the response goes through django-csp as usual.
"""

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

PER_RESPONSE_POLICIES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


class SitePolicyCSPMiddleware(CSPMiddleware):
    def __init__(self, get_response):
        super().__init__(get_response)
        self.site_policy = build_policy()

    def process_response(self, request, response):
        if settings.DEBUG or getattr(request, "_csp_nonce", None) is not None:
            return super().process_response(request, response)
        if any(hasattr(response, name) for name in PER_RESPONSE_POLICIES):
            return super().process_response(request, response)
        if HEADER not in response:
            response[HEADER] = self.site_policy
        return response
