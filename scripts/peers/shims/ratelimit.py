"""A stand-in for the `ratelimit` package (not packaged by Debian), written for the peer scripts.

odins_spear decorates its requester with `@sleep_and_retry @limits(calls=5, period=1)`; this
keeps that meaning: at most `calls` calls per `period` seconds in a fixed window starting at the
first call, and a blocking sleep when the window is full.
"""
import functools
import time


class RateLimitException(Exception):
    def __init__(self, message, period_remaining):
        super().__init__(message)
        self.period_remaining = period_remaining


def limits(calls=15, period=900):
    def decorate(fn):
        state = {"start": None, "count": 0}

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            now = time.monotonic()
            if state["start"] is None or now - state["start"] >= period:
                state["start"], state["count"] = now, 0
            state["count"] += 1
            if state["count"] > calls:
                raise RateLimitException("too many calls", period - (now - state["start"]))
            return fn(*args, **kwargs)

        return wrapper

    return decorate


def sleep_and_retry(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        while True:
            try:
                return fn(*args, **kwargs)
            except RateLimitException as e:
                time.sleep(e.period_remaining)

    return wrapper
