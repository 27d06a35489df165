"""Users, sessions and security events from the command line: weak passwords refused
with their reason, deactivation, and the events as JSON."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def demo_cli(run_cli):
    run_cli("init-db")
    run_cli("seed-demo")
    return run_cli


@pytest.mark.parametrize(("password", "reason"), [
    ("12345678", "a password needs at least 10 characters"),
    ("moi.phucloi-2026", "a password must not contain the user name"),
    ("password123", "this password is one of the most common ones"),
    ("1234567890123", "this password is easy to guess"),
])
def test_add_user_refuses_a_weak_password_with_its_reason(demo_cli, password, reason):
    result = demo_cli("add-user", "moi.phucloi", "--name", "Người Mới", "--unit", "PHUCLOI",
                      "--role", "staff", "--password", password, ok=False)
    assert f"error: {reason}" in result.output
    demo_cli("set-password", "moi.phucloi", "--password", "mat-khau-dai-2026", ok=False)


def test_deactivation_and_new_passwords_are_security_events(demo_cli):
    demo_cli("set-password", "hotich.phucloi", "--password", "hotich", ok=False)
    demo_cli("set-password", "hotich.phucloi", "--password", "mot-mat-khau-rat-dai")
    demo_cli("deactivate-user", "hotich.phucloi")
    demo_cli("token", "create", "hotich.phucloi", "--name", "cổng", "--days", "0", ok=False)
    events = json.loads(demo_cli("security-events", "--json").output)
    assert [(e["kind"], e["username"], e["address"]) for e in events] == [
        ("user_deactivated", "hotich.phucloi", "cli"),
        ("password_changed", "hotich.phucloi", "cli")]
    only = json.loads(demo_cli("security-events", "--kind", "password_changed",
                               "--json").output)
    assert len(only) == 1
    assert json.loads(demo_cli("sessions", "list", "--json").output) == []
    assert "no live session" in demo_cli("sessions", "list").output


def test_set_email_sets_clears_and_refuses_with_the_reason(demo_cli):
    assert "set to hotich@phucloi.gov.vn" in demo_cli(
        "set-email", "hotich.phucloi", " hotich@phucloi.gov.vn ").output
    refused = demo_cli("set-email", "hotich.phucloi", "hotich@phucloi", ok=False)
    assert "not an e-mail address" in refused.output
    demo_cli("set-email", "nobody.here", "a@b.vn", ok=False)
    assert "cleared" in demo_cli("set-email", "hotich.phucloi").output
    events = json.loads(demo_cli("security-events", "--kind", "email_changed",
                                 "--json").output)
    assert [(e["username"], e["address"], e["detail"]) for e in events] == [
        ("hotich.phucloi", "cli", "cleared by the CLI"),
        ("hotich.phucloi", "cli", "set by the CLI")]
