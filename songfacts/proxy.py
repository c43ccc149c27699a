"""The reader's own address when the site runs behind reverse proxies."""

from django.conf import settings


class ForwardedForMiddleware:
    """Set REMOTE_ADDR from X-Forwarded-For, trusting only our own proxies' entries.

    With TRUSTED_PROXY_COUNT=N, the Nth address from the right of X-Forwarded-For is the
    one our first proxy saw; anything to its left could be made up by the client. With 0 (the
    default), REMOTE_ADDR is the socket's peer and the header is ignored.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = settings.TRUSTED_PROXY_COUNT
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        if count and forwarded:
            addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
            if len(addresses) >= count:
                request.META["REMOTE_ADDR"] = addresses[-count]
        return self.get_response(request)
