"""The production server's options, read from the settings."""

from __future__ import annotations

from web.server import ACCESS_LOG_FORMAT, server_options
from web.settings import load


def test_workers_threads_and_timeouts_come_from_the_settings():
    options = server_options(load({"LIENTHONG_WORKERS": "3", "LIENTHONG_THREADS": "8",
                                   "LIENTHONG_WORKER_TIMEOUT": "45",
                                   "LIENTHONG_GRACEFUL_TIMEOUT": "20"}), "10.0.0.5", 8000)
    assert options["bind"] == "10.0.0.5:8000" and options["worker_class"] == "gthread"
    assert (options["workers"], options["threads"]) == (3, 8)
    assert (options["timeout"], options["graceful_timeout"]) == (45, 20)


def test_an_ipv6_address_is_bracketed():
    assert server_options(load({}), "::1", 8000)["bind"] == "[::1]:8000"


def test_the_access_log_names_paths_without_their_query():
    assert "%(U)s" in ACCESS_LOG_FORMAT  # the path alone
    for whole_request in ("%(r)s", "%(q)s", "%(a)s", "%(f)s", "%({"):
        assert whole_request not in ACCESS_LOG_FORMAT


def test_workers_are_recycled_and_requests_bounded():
    options = server_options(load({"LIENTHONG_MAX_REQUESTS": "1000"}), "127.0.0.1", 5000)
    assert options["max_requests"] == 1000 and 0 < options["max_requests_jitter"] <= 100
    assert options["limit_request_line"] <= 8190 and options["limit_request_fields"] <= 100
