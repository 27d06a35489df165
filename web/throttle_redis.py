"""Sign-in counters in Redis (LIENTHONG_RATELIMIT_STORAGE=redis://...), for sites that
already run one: every server process sees the same counters. Each counter is one JSON
value, changed in a WATCH/MULTI transaction so two processes never lose a failure."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any

import redis

from engine.org import Counter

PREFIX = "lienthong:signin:"
KEEP_SECONDS = 2 * 24 * 3600  # longer than any lock and than the day locks are remembered


def _load(raw: Any) -> Counter:
    if not raw:
        return Counter()
    data = json.loads(raw)
    return Counter(data["failures"], data["locks"],
                   *(datetime.fromisoformat(data[k]) if data[k] else None
                     for k in ("locked_until", "last_failure_at")))


def _dump(counter: Counter) -> str:
    return json.dumps({k: v.isoformat() if isinstance(v, datetime) else v
                       for k, v in asdict(counter).items()})


class RedisThrottle:
    def __init__(self, client: redis.Redis) -> None:
        self.client = client

    @classmethod
    def from_url(cls, url: str) -> RedisThrottle:
        return cls(redis.Redis.from_url(url, socket_timeout=2))

    def get(self, key: str) -> Counter:
        return _load(self.client.get(PREFIX + key))

    def update(self, key: str, change: Callable[[Counter], Counter]) -> Counter:
        name = PREFIX + key
        with self.client.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(name)
                    new = change(_load(pipe.get(name)))
                    pipe.multi()
                    pipe.set(name, _dump(new), ex=KEEP_SECONDS)
                    pipe.execute()
                    return new
                except redis.WatchError:  # another process changed it: again, on theirs
                    continue

    def forget(self, key: str) -> None:
        self.client.delete(PREFIX + key)
