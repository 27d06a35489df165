"""Sign-in counters in Redis (LIENTHONG_RATELIMIT_STORAGE=redis://...) count and lock
like the database's. Runs when LIENTHONG_TEST_REDIS_URL names a scratch Redis database
(it is emptied), e.g. redis://127.0.0.1:6379/13."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from engine.org import account_key, address_key, locked_until, record_success
from tests.engine.org.test_throttle import AT, fail


@pytest.mark.skipif(not os.environ.get("LIENTHONG_TEST_REDIS_URL"),
                    reason="LIENTHONG_TEST_REDIS_URL (a scratch Redis database) not set")
def test_the_redis_store_counts_and_locks_the_same_way():
    import redis

    from web.throttle_redis import RedisThrottle

    client = redis.Redis.from_url(os.environ["LIENTHONG_TEST_REDIS_URL"])
    client.flushdb()
    store = RedisThrottle(client)
    try:
        assert fail(store, 5) == [None] * 4 + [AT + timedelta(minutes=1)]
        assert locked_until(store, [account_key("hotich.phucloi")], AT) is not None
        record_success(store, "hotich.phucloi")
        assert locked_until(store, [account_key("hotich.phucloi")], AT) is None
        assert store.get(address_key("192.0.2.1")).failures == 5
    finally:
        client.flushdb()


@pytest.mark.skipif(not os.environ.get("LIENTHONG_TEST_REDIS_URL"),
                    reason="LIENTHONG_TEST_REDIS_URL (a scratch Redis database) not set")
def test_the_app_counts_in_redis_when_the_setting_names_it(app, db_engine):
    import redis
    from sqlalchemy import func, select

    from engine.storage import SigninThrottle, make_sessionmaker

    url = os.environ["LIENTHONG_TEST_REDIS_URL"]
    redis.Redis.from_url(url).flushdb()
    app.config["LIENTHONG"]["RATELIMIT_STORAGE"] = url
    browser = app.test_client()
    try:
        answers = [browser.post("/login", data={"username": "hotich.phucloi",
                                                "password": f"sai-{n}"}).status_code
                   for n in range(5)]
        assert answers == [401] * 4 + [429]
        with make_sessionmaker(db_engine).begin() as session:
            assert session.scalar(select(func.count()).select_from(SigninThrottle)) == 0
    finally:
        redis.Redis.from_url(url).flushdb()
