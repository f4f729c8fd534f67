"""Rate limits on the HTML pages that create an account, check a password or send a password-reset mail.

They are the API's limits, defined once: DRF's rate throttle, the rates of REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES, counters in the project's cache (shared by every worker; never process memory), and
the client's address as DRF's throttles read it (REMOTE_ADDR, or behind NUM_PROXIES = DJANGO_PROXY_COUNT
proxies the address the outermost trusted proxy saw; X-Forwarded-For is never believed beyond that count).
The cache keys are the API's too, so a sign-up on the page and one on the API use up one allowance, and so do
password guesses on the pages and on the API.
"""

import functools
import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.shortcuts import render
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle


def by_address(request: HttpRequest) -> str:
    """The client's address, exactly as the API's throttles identify it."""
    return BaseThrottle().get_ident(request)


def by_user(request: HttpRequest) -> str | None:
    """The signed-in user, as the API's throttles key an authenticated request (its primary key)."""
    return str(request.user.pk) if request.user.is_authenticated else None


def by_mailbox(request: HttpRequest) -> str | None:
    """The e-mail address a reset is asked for, hashed: the cache key holds no personal data."""
    email = request.POST.get("email", "").strip().casefold()
    return hashlib.sha256(email.encode()).hexdigest()[:32] if email else None


@dataclass(frozen=True)
class Limit:
    rate: str  # the DEFAULT_THROTTLE_RATES entry
    counter: str  # the scope in the cache key; the API's scope where the API counts the same thing
    ident: Callable[[HttpRequest], str | None]  # whom it counts; None: not this request


@dataclass(frozen=True)
class Policy:
    what: str  # what is counted, for the 429 page: "at most 20 <what> per hour"
    limits: tuple[Limit, ...]


SIGNUP = Policy("sign-ups from one address", (Limit("signup", "signup", by_address),))
PASSWORD_CHECK = Policy("password attempts on one account or from one address",
                        (Limit("token", "token", by_address), Limit("token", "token", by_user)))
# No API sends reset mail; it takes the sign-up rate, per address and per mailbox, on a counter of its own.
PASSWORD_RESET = Policy("password-reset e-mails to one mailbox or from one address",
                        (Limit("signup", "password_reset", by_address), Limit("signup", "password_reset", by_mailbox)))
PERIODS = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}  # DRF's rate periods, in seconds


class Counter(SimpleRateThrottle):
    """One of DRF's rate counters, named by a counter and an identity instead of by a view."""

    def __init__(self, limit: Limit, ident: str):
        self.scope = limit.rate
        super().__init__()
        self.key = self.cache_format % {"scope": limit.counter, "ident": ident}

    def get_cache_key(self, request, view):
        return self.key


def throttle_posts(policy: Policy):
    """Count every POST against each of the policy's limits, as DRF counts API requests; past one, refuse with 429.

    GETs (showing the form) are not counted.
    """
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                counters = [Counter(limit, ident) for limit in policy.limits
                            if (ident := limit.ident(request)) is not None]
                refused = [counter for counter in counters if not counter.allow_request(request, None)]
                if refused:
                    return throttled_response(request, policy, max(refused, key=lambda counter: counter.wait() or 0))
            return view(request, *args, **kwargs)
        return wrapped
    return decorator


def throttled_response(request: HttpRequest, policy: Policy, counter: Counter):
    """The 429 page, in the site's layout: what is limited, the limit, and how long to wait."""
    seconds = max(1, math.ceil(counter.wait() or 1))
    response = render(request, "registration/throttled.html", {
        "what": policy.what, "count": counter.num_requests, "period": PERIODS.get(counter.duration, "period"),
        "minutes": math.ceil(seconds / 60)}, status=429)
    response["Retry-After"] = str(seconds)
    return response
