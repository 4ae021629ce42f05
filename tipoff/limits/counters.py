"""Atomic counters with a time window, shared by every app server.

Two backends behind one small protocol, chosen by the ``LIMITS_BACKEND``
setting: ``database`` (the default: one upsert with ``RETURNING`` on SQLite or
PostgreSQL) and ``redis`` (``SET NX EX`` then ``INCRBY`` in one round trip).
Each increment returns the new value, so a caller decides on *its own* count:
forty requests racing one counter see forty different numbers, and no budget
can be overrun by reading before writing.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Protocol

from django.conf import settings
from django.db import connection


class Counters(Protocol):
    def incr(self, key: str, *, window: int, amount: int = 1) -> int:
        """Add ``amount``; the window starts at the first increment. Returns the new value."""
        ...

    def incr_many(self, keys: list[str], *, window: int, amount: int = 1) -> list[int]:
        """``incr`` for several keys at once (one round trip); values in the same order."""
        ...

    def get(self, key: str) -> int: ...

    def put(self, key: str, value: int, *, ttl: int) -> None: ...

    def delete(self, key: str) -> None: ...

    def purge(self) -> int:
        """Forget expired counters; returns how many."""
        ...


class DatabaseCounters:
    """Counters in the ``limits_counter`` table: one statement per increment."""

    _UPSERT = """
        INSERT INTO limits_counter (key, value, expires_at) VALUES (%s, %s, %s)
        ON CONFLICT (key) DO UPDATE SET
          value = CASE WHEN limits_counter.expires_at <= %s
                       THEN excluded.value ELSE limits_counter.value + excluded.value END,
          expires_at = CASE WHEN limits_counter.expires_at <= %s
                       THEN excluded.expires_at ELSE limits_counter.expires_at END
        RETURNING value
    """

    def incr(self, key: str, *, window: int, amount: int = 1) -> int:
        now = int(time.time())
        with connection.cursor() as cursor:
            cursor.execute(self._UPSERT, [key, amount, now + window, now, now])
            row = cursor.fetchone()
        return int(row[0])

    def incr_many(self, keys: list[str], *, window: int, amount: int = 1) -> list[int]:
        now = int(time.time())
        rows = ", ".join(["(%s, %s, %s)"] * len(keys))
        params: list[str | int] = []
        for key in keys:
            params += [key, amount, now + window]
        sql = self._UPSERT.replace("VALUES (%s, %s, %s)", f"VALUES {rows}").replace(
            "RETURNING value", "RETURNING key, value"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, now, now])
            found = dict(cursor.fetchall())
        return [int(found[key]) for key in keys]

    def get(self, key: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT value FROM limits_counter WHERE key = %s AND expires_at > %s",
                [key, int(time.time())],
            )
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def put(self, key: str, value: int, *, ttl: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO limits_counter (key, value, expires_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "expires_at = excluded.expires_at",
                [key, value, int(time.time()) + ttl],
            )

    def delete(self, key: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM limits_counter WHERE key = %s", [key])

    def purge(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM limits_counter WHERE expires_at <= %s", [int(time.time())])
            return cursor.rowcount


class RedisCounters:
    """Counters in Redis (``REDIS_URL``): they expire by themselves."""

    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)

    def incr(self, key: str, *, window: int, amount: int = 1) -> int:
        pipe = self.client.pipeline(transaction=True)
        pipe.set(f"tipoff:{key}", 0, ex=window, nx=True)
        pipe.incrby(f"tipoff:{key}", amount)
        return int(pipe.execute()[1])

    def incr_many(self, keys: list[str], *, window: int, amount: int = 1) -> list[int]:
        pipe = self.client.pipeline(transaction=True)
        for key in keys:
            pipe.set(f"tipoff:{key}", 0, ex=window, nx=True)
            pipe.incrby(f"tipoff:{key}", amount)
        values = pipe.execute()
        return [int(v) for v in values[1::2]]

    def get(self, key: str) -> int:
        value = self.client.get(f"tipoff:{key}")
        return int(value) if value is not None else 0

    def put(self, key: str, value: int, *, ttl: int) -> None:
        self.client.set(f"tipoff:{key}", value, ex=max(1, ttl))

    def delete(self, key: str) -> None:
        self.client.delete(f"tipoff:{key}")

    def purge(self) -> int:
        return 0


@cache
def _backend(name: str, url: str) -> Counters:
    if name == "redis":
        return RedisCounters(url)
    if name == "database":
        return DatabaseCounters()
    raise ValueError(f"unknown LIMITS_BACKEND {name!r} (database or redis)")


def counters() -> Counters:
    return _backend(settings.LIMITS_BACKEND, settings.REDIS_URL)


def once(key: str, *, ttl: int) -> bool:
    """True the first time ``key`` is claimed within ``ttl`` seconds, False after."""
    return counters().incr(key, window=ttl) == 1


def forget(key: str) -> None:
    """Release a key claimed with ``once`` (the work it guarded did not happen)."""
    counters().delete(key)
