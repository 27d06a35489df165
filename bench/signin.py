"""Memory and time of 16 sign-ins at once: argon2-cffi's default parameters (what the
app used before) beside the ones engine/org/passwords.py uses now, in the same run.

    .venv/bin/python bench/signin.py                 # 16 parallel verifications, 3 rounds
    .venv/bin/python bench/signin.py --parallel 32 --rounds 5

Each variant runs in a fresh process: its peak resident memory (ru_maxrss) is read after
the imports and again after the verifications, so the difference is what the sign-ins
took. argon2-cffi releases the GIL while hashing, so 16 threads hash at once, like 16
requests in one server process.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argon2 import PasswordHasher  # noqa: E402

from engine.org.passwords import MEMORY_COST_KIB, PARALLELISM, TIME_COST  # noqa: E402

DEFAULTS = PasswordHasher()
VARIANTS = {
    "before (argon2-cffi defaults)": (DEFAULTS.time_cost, DEFAULTS.memory_cost,
                                      DEFAULTS.parallelism),
    "now (engine/org/passwords.py)": (TIME_COST, MEMORY_COST_KIB, PARALLELISM),
}
PASSWORD = "một-mật-khẩu-đủ-dài"  # noqa: S105 - a benchmark's own password


def child(time_cost: int, memory_cost: int, parallelism: int, parallel: int) -> dict:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                            parallelism=parallelism)
    stored = sys.stdin.read().strip()
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        results = list(pool.map(lambda _: hasher.verify(stored, PASSWORD), range(parallel)))
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert all(results)  # noqa: S101
    one = time.perf_counter()
    hasher.verify(stored, PASSWORD)
    return {"base_mib": base / 1024, "peak_mib": peak / 1024, "wall_s": elapsed,
            "one_s": time.perf_counter() - one}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parallel", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child, args.parallel)))
        return
    print(f"{args.parallel} sign-ins verified at once, {args.rounds} rounds each "
          "(median; memory above the process's own)")
    print(f"{'parameters':<32} {'t':>2} {'m (MiB)':>8} {'p':>2} {'peak RSS':>10} "
          f"{'above base':>11} {'16 at once':>11} {'one alone':>10}")
    for label, (t, m, p) in VARIANTS.items():
        stored = PasswordHasher(time_cost=t, memory_cost=m, parallelism=p).hash(PASSWORD)
        runs = [json.loads(subprocess.run(  # noqa: S603 - this same script
            [sys.executable, __file__, "--parallel", str(args.parallel), "--child",
             str(t), str(m), str(p)], input=stored, capture_output=True, text=True,
            check=True).stdout) for _ in range(args.rounds)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(f"{label:<32} {t:>2} {m / 1024:>8.0f} {p:>2} {med['peak_mib']:>7.0f} MiB "
              f"{med['peak_mib'] - med['base_mib']:>7.0f} MiB {med['wall_s']:>9.2f} s "
              f"{med['one_s'] * 1000:>7.0f} ms")


if __name__ == "__main__":
    main()
