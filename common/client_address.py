"""Who the client is, for every per-address limit (login lockouts, password resets, the public
survey pages): one function, so a trusted proxy is configured once (TRUSTED_PROXY_COUNT)."""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front, the
    address the outermost of them appended to X-Forwarded-For.

    Entries left of it were written by the client and are ignored, so a forged header can
    neither dodge a limit nor spend someone else's.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                logger.warning("X-Forwarded-For entry %r is no address; using REMOTE_ADDR", candidate)
    return remote
