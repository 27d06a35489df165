"""The script sandbox (engine/runtime/sandbox.py): hostile diagram code is refused,
ordinary code still works."""

from __future__ import annotations

import copy
import os
import time
from datetime import date
from typing import Any

import pytest
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from engine.runtime import make_script_engine, sandbox
from engine.runtime.sandbox import SandboxedEnvironment, ScriptRefused
from tests.conftest import DATA

FIXTURE = DATA / "sandbox_script.bpmn"


@pytest.fixture
def env() -> SandboxedEnvironment:
    return SandboxedEnvironment({"surcharge": lambda amount: amount // 10}, time_limit=0.5)


def run(env: SandboxedEnvironment, mode: str, source: str, context: dict[str, Any]) -> Any:
    return env.evaluate(source, context) if mode == "eval" else env.execute(source, context)


# -- hostile code is refused, with one clear line ----------------------------------------

HOSTILE = [
    ("exec", "import os", "script refused: import is not allowed"),
    ("exec", "from os import path", "script refused: import is not allowed"),
    ("eval", "__import__('os')", "script refused: name '__import__' is not allowed"),
    ("eval", "open('/etc/passwd')", "script refused: open() is not allowed"),
    ("eval", "().__class__.__base__.__subclasses__()",
     "script refused: access to '__class__' is not allowed"),
    ("eval", "getattr(x, '__globals__')", "script refused: access to '__globals__' is not allowed"),
    ("eval", "getattr(x, 'gi_frame')", "script refused: access to 'gi_frame' is not allowed"),
    ("eval", "'{0.__class__}'.format(x)", "script refused: access to 'format' is not allowed"),
    ("exec", "while True: pass", "script refused: time limit of 0.5 s exceeded"),
    ("exec", "x = 'a' * 10**10",
     "script refused: memory limit exceeded (sequence of 10000000000 items)"),
    ("exec", "x = [0] * 10**9",
     "script refused: memory limit exceeded (sequence of 1000000000 items)"),
    ("exec", "x = 10 ** 10 ** 10", "script refused: memory limit exceeded (integer of about"),
    ("eval", "pow(10, 10**10)", "script refused: memory limit exceeded (integer of about"),
    ("eval", "1 << 10**10", "script refused: memory limit exceeded (integer of about"),
    ("exec", "s = 'a'\ns *= 10**10", "script refused: memory limit exceeded (sequence of"),
    ("eval", "[i for i in range(10**12)]",
     "script refused: range of 1000000000000 items is longer than the limit of 1000000"),
    ("eval", "'x'.ljust(10**10)", "script refused: memory limit exceeded (sequence of"),
    ("eval", "f'{1:>10000000000}'", "script refused: format widths must be literal"),
    ("eval", "'%010000000000d' % 1", "script refused: format widths must be literal"),
    ("exec", "s = 'a' * 1000000\nt = s.replace('a', s)", "script refused: memory limit exceeded"),
    ("eval", "round(1, -10**8)", "script refused: memory limit exceeded (integer of about"),
    ("exec", "def f(n):\n    return f(n - 1) + f(n - 1) if n else 1\nf(60)",
     "script refused: time limit of 0.5 s exceeded"),
    ("exec", "f = lambda n: f(n - 1) + f(n - 1) if n else 1\nf(60)",
     "script refused: time limit of 0.5 s exceeded"),
    ("exec", "items = [1]\nfor i in items:\n    items.append(i)",
     "script refused: time limit of 0.5 s exceeded"),
    ("exec", "class A:\n    pass", "script refused: class definitions are not allowed"),
    ("eval", "type(x)", "script refused: type() is not allowed"),
]


@pytest.mark.parametrize(("mode", "source", "message"), HOSTILE,
                         ids=[source.splitlines()[0][:40] for _, source, _ in HOSTILE])
def test_hostile_code_is_refused(env: SandboxedEnvironment, mode: str, source: str,
                                 message: str) -> None:
    started = time.monotonic()
    with pytest.raises(ScriptRefused) as caught:
        run(env, mode, source, {"x": 1})
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)
    assert time.monotonic() - started < 1.5


def test_a_loop_appending_forever_is_refused(env: SandboxedEnvironment) -> None:
    with pytest.raises(ScriptRefused) as caught:
        env.execute("items = []\nwhile True:\n    items.append(len(items))", {})
    assert str(caught.value).startswith(("script refused: memory limit exceeded",
                                         "script refused: time limit of 0.5 s exceeded"))


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="samples /proc (Linux)")
def test_gradual_memory_growth_is_refused(env: SandboxedEnvironment) -> None:
    with pytest.raises(ScriptRefused, match=r"memory limit exceeded \(process grew by"):
        env.execute("chunks = []\nwhile True:\n    chunks.append('x' * 1000000)", {})


@pytest.mark.parametrize("source", [
    "for i in range(1000):\n    try:\n        while True:\n            pass\n"
    "    except Exception:\n        pass\nescaped = True",
    "for i in range(10):\n    try:\n        while True:\n            pass\n"
    "    finally:\n        continue\nescaped = True",
])
def test_a_caught_refusal_stays_refused(env: SandboxedEnvironment, source: str) -> None:
    context: dict[str, Any] = {}
    with pytest.raises(ScriptRefused, match="time limit"):
        env.execute(source, context)
    assert context == {}


def test_refusals_do_not_echo_task_data(env: SandboxedEnvironment) -> None:
    citizen = "_Nguyễn Văn An 0912345678"
    with pytest.raises(ScriptRefused) as caught:
        env.evaluate("getattr(applicant, applicant)", {"applicant": citizen})
    assert str(caught.value) == "script refused: access to that name is not allowed"


def test_context_is_unchanged_after_a_refused_execute(env: SandboxedEnvironment) -> None:
    context = {"amount": 5, "items": [1, 2], "profile": {"name": "An"}}
    before = copy.deepcopy(context)
    script = "amount = 6\nitems.append(3)\nprofile['name'] = 'B'\nnew = 1\nx = 'a' * 10**10"
    with pytest.raises(ScriptRefused):
        env.execute(script, context)
    assert context == before


# -- ordinary code works as with Spiff's TaskDataEnvironment -------------------------------

@pytest.mark.parametrize(("expression", "expected"), [
    ("amount > 10 and channel == 'online'", True),
    ("amount > 100 or channel != 'online'", False),
    ("  amount * 2 + 1 ", 41),
    ("len(items) == 3 and 'b' in items", True),
    ("sum(p for p in prices if p > 0)", 30),
    ("sorted(prices, key=lambda p: -p)[0]", 20),
    ("{k: v * 2 for k, v in profile.items()}", {"age": 60}),
    ("f'{amount:>4}|{channel!r}|{amount:,.1f}'", "  20|'online'|20.0"),
    ("'%05d-%s' % (amount, channel)", "00020-online"),
    ("str(amount).zfill(5) + ', '.join(str(p) for p in prices)", "0002010, 20, -5"),
    ("surcharge(amount)", 2),
    ("date(2026, 3, 2) + timedelta(days=amount)", date(2026, 3, 22)),
    ("f'{date(2026, 3, 2):%d/%m/%Y}'", "02/03/2026"),
    ("2 ** 64 * 3 // 7 % 1000", 2 ** 64 * 3 // 7 % 1000),
    ("x if (x := amount % 7) else None", 6),
])
def test_expressions_see_task_data(env: SandboxedEnvironment, expression: str,
                                   expected: Any) -> None:
    context = {"amount": 20, "channel": "online", "items": ["a", "b", "c"],
               "prices": [10, 20, -5], "profile": {"age": 30}}
    assert env.evaluate(expression, context) == expected


def test_scripts_update_task_data_in_place(env: SandboxedEnvironment) -> None:
    context: dict[str, Any] = {"amount": 20, "items": [1, 2, 3], "profile": {"name": "An"},
                               "scratch": 1}
    env.execute(
        "total = 0\n"
        "for i in items:\n    total += i\n"
        "profile['district'] = 'Ba Đình'\n"
        "first, *rest = items\n"
        "squares = [i * i for i in items if i > 1]\n"
        "def label(n):\n    return f'{n} hồ sơ'\n"
        "text = label(total)\n"
        "fee = surcharge(amount)\n"
        "n = 0\nwhile n < 3:\n    n += 1\n"
        "try:\n    1 / 0\nexcept ZeroDivisionError:\n    failed = True\n"
        "print('debug output is discarded')\n"
        "del scratch\n",
        context)
    assert context == {
        "amount": 20, "items": [1, 2, 3], "profile": {"name": "An", "district": "Ba Đình"},
        "total": 6, "i": 3, "first": 1, "rest": [2, 3], "squares": [4, 9],
        "text": "6 hồ sơ", "fee": 2, "n": 3, "failed": True}  # no label/surcharge/scratch


def test_functions_may_not_be_shadowed_by_task_data(env: SandboxedEnvironment) -> None:
    with pytest.raises(ValueError, match="surcharge"):
        env.execute("x = 1", {"surcharge": 5})


@pytest.mark.parametrize(("mode", "source", "error"), [
    ("eval", "missing + 1", NameError),
    ("eval", "amount / 0", ZeroDivisionError),
    ("exec", "x = (", SyntaxError),
    ("eval", "profile['absent']", KeyError),
])
def test_script_bugs_propagate_unchanged(env: SandboxedEnvironment, mode: str, source: str,
                                         error: type[Exception]) -> None:
    context = {"amount": 1, "profile": {}}
    with pytest.raises(error):
        run(env, mode, source, context)
    assert context == {"amount": 1, "profile": {}}


def test_compiled_code_is_cached_per_source_text(env: SandboxedEnvironment) -> None:
    expression = "amount > 10 and channel == 'cache-test'"
    env.evaluate(expression, {"amount": 1, "channel": "x"})
    before = sandbox._compile.cache_info()
    assert env.evaluate(expression, {"amount": 11, "channel": "cache-test"}) is True
    after = sandbox._compile.cache_info()
    assert (after.hits, after.misses) == (before.hits + 1, before.misses)


# -- through SpiffWorkflow ----------------------------------------------------------------

def _workflow(process_id: str, engine: PythonScriptEngine) -> BpmnWorkflow:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(FIXTURE))
    return BpmnWorkflow(parser.get_spec(process_id), parser.get_subprocess_specs(process_id),
                        script_engine=engine)


@pytest.mark.parametrize(("amount", "channel", "end"), [
    (900, "online", "end_high"), (900, "in_person", "end_low"), (500, "online", "end_low"),
])
def test_script_task_and_gateway_run_in_the_sandbox(amount: int, channel: str,
                                                    end: str) -> None:
    engine = make_script_engine({"surcharge": lambda value: value // 10})
    wf = _workflow("sandbox_fee", engine)
    start = wf.get_tasks(state=TaskState.READY)[0]
    start.set_data(amount=amount, channel=channel, names=["a", "b"], prices=[10, 20, -5])
    wf.do_engine_steps()
    assert wf.is_completed()
    done = {t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)}
    assert end in done and {"end_high", "end_low"} - {end} - done
    assert wf.data["fee"] == amount // 10 + 30
    assert wf.data["lines"] == ["a: 10", "b: 20"]
    assert wf.data["summary"] == {"fee": amount // 10 + 30, "count": 2}


def test_a_refused_script_task_stops_the_workflow_visibly() -> None:
    wf = _workflow("sandbox_refused", make_script_engine())
    with pytest.raises(WorkflowTaskException) as caught:
        wf.do_engine_steps()
    assert isinstance(caught.value.__cause__, ScriptRefused)
    assert caught.value.error_type == "ScriptRefused"
    assert "script refused: import is not allowed" in str(caught.value)
    assert caught.value.task.task_spec.bpmn_id == "escape"
    assert "files" not in wf.get_tasks(state=TaskState.ERROR)[0].data


def test_a_refused_expression_is_visible_through_the_engine() -> None:
    engine = make_script_engine()
    wf = _workflow("sandbox_fee", engine)
    task = wf.get_tasks(state=TaskState.READY)[0]
    with pytest.raises(WorkflowTaskException) as caught:
        engine.evaluate(task, "().__class__")
    assert isinstance(caught.value.__cause__, ScriptRefused)
    assert "script refused: access to '__class__' is not allowed" in str(caught.value)
