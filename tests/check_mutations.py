"""Make each one-line mutation of docs/testing.md in a scratch copy of the tree and run
the tests that must notice it. Not part of the suite (it takes about two minutes):

    .venv/bin/python tests/check_mutations.py

A mutation is CAUGHT when a test fails on an assertion, MISSED when every test passes,
and BROKEN when the mutated code no longer runs (then the mutation itself is wrong).
The exit status is the number of mutations not caught.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent


class Mutation(NamedTuple):
    name: str
    path: str
    old: str
    new: str
    tests: str


MUTATIONS = [
    Mutation("the version check of the optimistic lock removed", "engine/storage/journal.py",
             "if result.rowcount != 1:", "if False:",
             "tests/engine/runtime/test_concurrency.py"),
    Mutation("the dossier-number counter not counting up",
             "engine/runtime/dossier_codes.py", 'set_={"last": _SEQUENCE.c.last + 1}',
             'set_={"last": _SEQUENCE.c.last}', "tests/engine/runtime/test_dossier_codes.py"),
    Mutation("one supplement request counted late in the report", "engine/reporting/period.py",
             "Dossier.supplement_count > MAX_SUPPLEMENTS_ON_TIME",
             "Dossier.supplement_count >= MAX_SUPPLEMENTS_ON_TIME",
             "tests/engine/reporting/test_period_report.py"),
    Mutation("verification ignoring earlier pauses", "engine/dossiers/lifecycle.py",
             "due = cal.add(statutory_deadline(",
             "due = (lambda found, _waited: found)(statutory_deadline(",
             "tests/engine/dossiers/test_waits.py -k verification"),
    Mutation("dossiers waiting for a supplement flagged at risk", "engine/dossiers/lifecycle.py",
             "Dossier.id == dossier_id, Dossier.status == DossierStatus.RUNNING,",
             "Dossier.id == dossier_id,", "tests/engine/dossiers/test_tick_claims.py"),
    Mutation("a dossier flagged at risk twice", "engine/dossiers/lifecycle.py",
             "        Dossier.at_risk_at.is_(None)).values(at_risk_at=now))",
             "        ).values(at_risk_at=now))", "tests/engine/dossiers/test_tick_claims.py"),
    Mutation("a timer reported fired when nothing fired", "engine/dossiers/timers.py",
             "    if dossier.state == state:", "    if False:",
             "tests/engine/dossiers/test_tick_claims.py"),
    Mutation("a busy receiving dossier refusing the sender's step", "engine/runtime/commands.py",
             "    except Conflict:\n        return\n", "    except ValueError:\n        return\n",
             "tests/engine/runtime/test_concurrency.py -k answer"),
    Mutation("messages delivered to a finished dossier", "engine/runtime/messaging.py",
             "Dossier.status == DossierStatus.RUNNING,", "",
             "tests/engine/runtime/test_messaging.py -k finished"),
    Mutation("messages delivered back to their sender", "engine/runtime/messaging.py",
             "Subscription.dossier_id != message.sender_dossier_id,", "",
             "tests/engine/runtime/test_messaging.py -k own_message"),
    Mutation("the hop limit removed", "engine/runtime/delivery.py",
             "while queue and tries < MAX_DELIVERIES:", "while queue:",
             "tests/engine/runtime/test_messaging.py -k delivery_limit"),
    Mutation("can_work without its same-unit rule (pages)", "web/access.py",
             "        unit == user.unit_code or unit in working_units(user))",
             "        True)",
             "tests/web/pages/test_permissions.py -k cannot_work"),
    Mutation("can_work without its same-unit rule (API)", "web/access.py",
             "        unit == user.unit_code or unit in working_units(user))",
             "        True)",
             "tests/web/api/test_api.py -k cannot_work"),
    Mutation("migration 0002's downgrade leaving a column",
             "engine/storage/migrations/versions/0002_handover_in_task_record.py",
             "        batch_op.drop_column('handed_by')\n", "",
             "tests/engine/storage/test_migrations.py"),
    Mutation("a paper PDF showing another dossier's code", "engine/dossiers/papers.py",
             "dossier_code=dossier.code,",
             "dossier_code=session.scalars(select(Dossier.code).order_by(Dossier.id)).first(),",
             "tests/web/pages/test_paper_pdfs.py -k own_dossier"),
]
# What a mutation that no longer runs fails with, rather than with an assertion.
BROKEN = ("NameError", "AttributeError", "ImportError", "SyntaxError", "TypeError")
IGNORE = shutil.ignore_patterns(".venv", ".git", "node_modules", "instance", "mutants",
                                "__pycache__", ".*_cache", "build")


def check(mutation: Mutation, scratch: Path) -> str:
    tree = scratch / "tree"
    if tree.exists():
        shutil.rmtree(tree)
    shutil.copytree(ROOT, tree, ignore=IGNORE)
    source = tree / mutation.path
    text = source.read_text(encoding="utf-8")
    if text.count(mutation.old) != 1:
        return "STALE (the line to mutate is not in the source once)"
    text = text.replace(mutation.old, mutation.new)
    if "Dossier.code" in mutation.new:  # the other dossier's code needs the model
        text = text.replace("from sqlalchemy.orm import Session",
                            "from sqlalchemy.orm import Session\n\n"
                            "from engine.storage import Dossier", 1)
    source.write_text(text, encoding="utf-8")
    run = subprocess.run(  # noqa: S603 (our own interpreter and test paths)
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider",
         *mutation.tests.split()],
        cwd=tree, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "PYTHONPATH": str(tree)})
    failed = [line.split(" - ")[0].removeprefix("FAILED ")
              for line in run.stdout.splitlines() if line.startswith("FAILED")]
    if run.returncode == 0:
        return "MISSED"
    if not failed or any(name in run.stdout for name in BROKEN):
        return "BROKEN\n" + run.stdout[-2000:]
    return "CAUGHT by " + ", ".join(failed)


def main() -> int:
    missed = 0
    with tempfile.TemporaryDirectory(prefix="mutations-") as scratch:
        for mutation in MUTATIONS:
            verdict = check(mutation, Path(scratch))
            missed += not verdict.startswith("CAUGHT")
            print(f"{mutation.name}: {verdict}", flush=True)
    return missed


if __name__ == "__main__":
    sys.exit(main())
