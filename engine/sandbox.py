"""The script environment: diagram scripts and expressions run in a sandbox.

Scripts, conditions, timer expressions and message payloads are code from whoever edits a
diagram. RestrictedPython compiles them (no imports, no "_" names, guarded attribute, item,
iteration and write access); they get a whitelist of builtins and in-process limits:

* time: compiled code ticks at the top of every ``while`` body, function and lambda and on
  every item a ``for``/comprehension takes (``_getiter_``). Cooperative checks, not
  ``sys.settrace``: tracing slows every line and displaces debuggers' and coverage's
  tracers. One long C call (sorting a huge list) can overrun by its own length.
* memory: ``+ * ** << // %``, pow/divmod/round/range, format widths and the str methods
  that pad or multiply are sized *before* they run; integers are capped at MAX_INT_BITS
  (big-int arithmetic is CPU time too). Gradual growth is caught by sampling resident
  memory in the tick (coarse: process-wide, so other threads count too).

A refusal is sticky: a script that catches one is refused again at its next tick or when
it returns. Ordinary script bugs (NameError, SyntaxError...) propagate unchanged.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import copy
import functools
import math
import operator
import os
import re
import resource
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, timedelta
from types import CodeType, ModuleType
from typing import Any, Literal, NoReturn, cast

import RestrictedPython as rp
from RestrictedPython import Guards
from RestrictedPython.transformer import INSPECT_ATTRIBUTES
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

__all__ = ["SandboxedEnvironment", "ScriptRefused", "make_script_engine"]

MAX_RANGE = 1_000_000  # items in one range(); longer loops are not a diagram's job
MAX_INT_BITS = 1 << 17  # ~39,000 digits: big-int * // % cost grows quadratically
_RSS_EVERY = 0.002  # seconds between resident-memory samples in the tick

_GUARDED_OPS = {ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.FloorDiv: "//",
                ast.Mod: "%"}  # sized by _Run.check_op; "+" at most doubles what exists
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "*": operator.mul, "**": operator.pow, "<<": operator.lshift, "//": operator.floordiv,
    "%": operator.mod}
_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    f"{op}=": getattr(operator, name) for op, name in zip(
        "+ - * / % ** << >> | ^ & // @".split(), "iadd isub imul itruediv imod ipow ilshift "
        "irshift ior ixor iand ifloordiv imatmul".split(), strict=True)}
_SEQUENCES = (str, bytes, list, tuple)
_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "to_bytes", "expandtabs"})
_SIZED_METHODS = _WIDTH_METHODS | {"replace", "join", "translate"}
_DENIED_ATTRS = frozenset({"from_bytes", "mro", "format", "format_map"})
_REFUSED_CALLS = ("open", "exec", "eval", "compile", "globals", "locals", "vars", "dir",
                  "input", "breakpoint", "help", "exit", "quit", "type", "object", "super",
                  "memoryview", "iter", "setattr", "delattr", "__import__")
_PCT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")
_RESERVED = frozenset({  # helper names in a script's globals, never task data
    "_getattr_", "_getitem_", "_getiter_", "_iter_unpack_sequence_", "_unpack_sequence_",
    "_write_", "_inplacevar_", "_apply_", "_print_", "_tick_", "_binop_",
    "__builtins__", "_print"})


class ScriptRefused(Exception):
    """One line, "script refused: <reason>": the rule and sizes, never task data values."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"script refused: {reason}")
        self.reason = reason


def _private(name: str) -> bool:
    return name.startswith("_") and name != "_" or name in INSPECT_ATTRIBUTES


def _first_refusal(tree: ast.AST) -> str | None:
    """The earliest forbidden construct in source order, phrased for people."""
    found: list[tuple[tuple[int, int, int, int], str]] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            reason = "import is not allowed"
        elif isinstance(node, ast.Attribute) and (_private(node.attr)
                                                  or node.attr in _DENIED_ATTRS):
            reason = f"access to '{node.attr}' is not allowed"
        elif isinstance(node, ast.Name) and node.id.startswith("_") and node.id != "_":
            reason = f"name '{node.id}' is not allowed"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in _REFUSED_CALLS:  # task data never holds callables
            reason = f"{node.func.id}() is not allowed"
        elif isinstance(node, ast.ClassDef):
            reason = "class definitions are not allowed"
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None and (
                any(not isinstance(v, ast.Constant) for v in node.format_spec.values)
                or re.search(r"\d{7}", ast.unparse(node.format_spec))):
            reason = "format widths must be literal and under 1000000"
        else:
            continue
        found.append(((node.lineno, node.col_offset, node.end_lineno or 0,
                       node.end_col_offset or 0), reason))
    return min(found)[1] if found else None


def _call(name: str, args: list[ast.expr], like: ast.AST) -> ast.Call:
    """``name(*args)`` carrying `like`'s source position (for error line numbers)."""
    node = ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[])
    return ast.fix_missing_locations(ast.copy_location(node, like))


class _SandboxPolicy(rp.RestrictingNodeTransformer):
    """RestrictedPython's policy plus limit ticks and size-guarded operators."""

    def _ticked(self, node: Any) -> Any:
        tick = ast.Expr(_call("_tick_", [], node))
        node.body.insert(0, ast.fix_missing_locations(ast.copy_location(tick, node)))
        return node

    def visit_While(self, node: ast.While) -> Any:
        return self._ticked(super().visit_While(node))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> Any:
        return self._ticked(super().visit_FunctionDef(node))

    def visit_Lambda(self, node: ast.Lambda) -> Any:
        node = cast(ast.Lambda, super().visit_Lambda(node))
        node.body = ast.copy_location(
            ast.BoolOp(ast.Or(), [_call("_tick_", [], node), node.body]), node.body)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = cast(ast.BinOp, super().visit_BinOp(node))
        symbol = _GUARDED_OPS.get(type(node.op))
        if symbol is None:
            return node
        return _call("_binop_", [ast.Constant(symbol), node.left, node.right], node)


@functools.lru_cache(maxsize=4096)
def _compile(source: str, mode: Literal["eval", "exec"]) -> CodeType:
    """Restricted-compile `source` once per text; SyntaxError propagates as a script bug."""
    tree = ast.parse(source, "<string>", mode)  # "<string>": Spiff looks for error lines
    reason = _first_refusal(tree)
    if reason is not None:
        raise ScriptRefused(reason)
    compiler = rp.compile_restricted_eval if mode == "eval" else rp.compile_restricted_exec
    result = compiler(cast(Any, tree), "<string>", policy=_SandboxPolicy)
    if result.errors or result.code is None:
        raise ScriptRefused((result.errors or ["the script could not be compiled"])[0])
    return result.code


def _rss_bytes() -> int:
    """Resident memory now (Linux); elsewhere the peak, which only ever grows."""
    with contextlib.suppress(OSError), open("/proc/self/statm", "rb") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class _Run:
    """The limits of one evaluation; its bound methods are the compiled code's guards."""

    def __init__(self, time_limit: float, limit_bytes: int) -> None:
        self.time_limit, self.limit = time_limit, limit_bytes
        self.int_bits = min(MAX_INT_BITS, limit_bytes * 8)
        self.deadline, self.next_rss = time.monotonic() + time_limit, 0.0
        self.rss_base: int | None = None  # taken at the first tick or big allocation
        self.refused: str | None = None

    def refuse(self, reason: str) -> NoReturn:
        self.refused = self.refused or reason
        raise ScriptRefused(self.refused)

    def tick(self) -> None:
        now = time.monotonic()
        if self.refused is not None:
            self.refuse(self.refused)
        if now > self.deadline:
            self.refuse(f"time limit of {self.time_limit:g} s exceeded")
        if now >= self.next_rss:
            self.next_rss = now + _RSS_EVERY
            self.grown(0)

    def grown(self, upcoming: int) -> None:
        rss = _rss_bytes()
        self.rss_base = rss if self.rss_base is None else self.rss_base
        growth = rss - self.rss_base
        if growth + upcoming > self.limit:
            self.refuse(f"memory limit exceeded (process grew by {growth >> 20} MB)")

    def items(self, count: int, item_bytes: int = 1) -> None:
        """Refuse a sequence of `count` items before it is allocated."""
        if count * item_bytes > self.limit:
            self.refuse(f"memory limit exceeded (sequence of {count} items)")
        if count * item_bytes > self.limit // 16:  # big: does it fit next to what grew?
            self.grown(count * item_bytes)

    def bits(self, bits: float) -> None:
        if bits > self.int_bits:
            self.refuse(f"memory limit exceeded (integer of about {int(bits)} bits)")

    def widths(self, digits: Iterable[str], args: Any = ()) -> None:
        """Refuse format widths/precisions ("*": taken from `args`) that build huge text."""
        star = args if isinstance(args, tuple) else (args,)
        for d in digits:
            if d == "*":
                self.items(max((a for a in star if isinstance(a, int)), default=0))
            elif d:
                self.items(int(d) if len(d) < 19 else 10**18)

    # -- what the compiled code calls ------------------------------------------------
    def getiter(self, ob: Iterable[Any]) -> Iterator[Any]:
        for item in ob:
            self.tick()
            yield item

    def check_op(self, op: str, a: Any, b: Any) -> None:
        if isinstance(a, int) and isinstance(b, int):
            if op == "**":
                self.bits(float(min(b, 1 << 64)) * math.log2(abs(a)) if b > 0 and a else 0)
            elif op == "<<":
                self.bits(a.bit_length() + (b if a and b > 0 else 0))
            elif op == "*":
                self.bits(a.bit_length() + b.bit_length())
            else:
                self.bits(max(a.bit_length(), b.bit_length()))
        elif op == "*" and isinstance(a, int) and isinstance(b, _SEQUENCES):
            self.check_op(op, b, a)
        elif op == "*" and isinstance(a, _SEQUENCES) and isinstance(b, int):
            self.items(len(a) * b, 1 if isinstance(a, (str, bytes)) else 8)
        elif op == "%" and isinstance(a, (str, bytes)):
            fmt = a if isinstance(a, str) else a.decode("latin-1")
            self.widths([d for spec in _PCT_SPEC.findall(fmt) for d in spec], b)

    def binop(self, op: str, a: Any, b: Any) -> Any:
        self.check_op(op, a, b)
        return _BINARY[op](a, b)

    def inplacevar(self, op: str, a: Any, b: Any) -> Any:
        self.check_op(op[:-1], a, b)
        return _INPLACE[op](a, b)

    def getattr(self, obj: Any, name: str, *default: Any) -> Any:
        if not isinstance(name, str):
            raise TypeError("attribute name must be a string")
        if _private(name) or name in _DENIED_ATTRS:  # a "_x" name may be task data: hide it
            shown = not name.startswith("_") or re.fullmatch(r"__\w+__", name)
            self.refuse(f"access to {repr(name) if shown else 'that name'} is not allowed")
        value = Guards.safer_getattr(obj, name, *default) if default \
            else Guards.safer_getattr_raise(obj, name)
        if name in _SIZED_METHODS and isinstance(obj, type):
            self.refuse(f"use '{name}' on a value, not on its type")
        if name in _SIZED_METHODS and isinstance(obj, (str, bytes, int)):
            return self.sized(obj, name, value)
        return value

    def sized(self, obj: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        """`method`, refusing calls whose result would not fit (a closure: a partial's
        .args would hand the unchecked method out)."""
        def call(*args: Any, **kwargs: Any) -> Any:
            if name == "join" and args:
                args = (list(self.getiter(args[0])),)
            table = args[0].values() if name == "translate" and isinstance(
                args[0] if args else None, dict) else ()
            values = [*args, *kwargs.values(), *table]
            if name in _WIDTH_METHODS:  # expandtabs: every character a tab, at worst
                ints = [v for v in values if isinstance(v, int)]
                self.items(max(ints, default=8) * (len(obj) if name == "expandtabs" else 1))
            else:  # replace/join/translate: each character becomes the longest piece
                lens = [len(v) for v in values if isinstance(v, (str, bytes, list))]
                self.items((len(obj) + 1) * max(lens, default=1))
            return method(*args, **kwargs)
        return call

    def range(self, *args: int) -> range:
        r = range(*args)
        n = (r.stop - r.start) // r.step  # (len() overflows past sys.maxsize)
        if n > MAX_RANGE:
            self.refuse(f"range of {n} items is longer than the limit of {MAX_RANGE}")
        return r

    def pow(self, a: Any, b: Any, mod: Any = None) -> Any:
        if mod is None:
            return self.binop("**", a, b)
        if isinstance(b, int) and isinstance(mod, int):  # cost ~ bits(b) * bits(mod)²
            self.bits(b.bit_length() * mod.bit_length() / 128)
        return builtins.pow(a, b, mod)

    def round(self, number: Any, ndigits: Any = None) -> Any:
        if isinstance(number, int) and isinstance(ndigits, int) and ndigits < 0:
            self.check_op("**", 10, -ndigits)  # int rounding computes 10 ** -ndigits
        return builtins.round(number, ndigits)

    def sum(self, iterable: Iterable[Any], /, start: Any = 0) -> Any:
        return builtins.sum(self.getiter(iterable), start)  # ticks: sum(lists, []) is slow

    def install(self, scope: dict[str, Any]) -> None:
        """Put the guards and builtins into `scope`, over anything of the same name."""
        scope.update({
            "_getattr_": self.getattr, "_getitem_": operator.getitem, "_getiter_": self.getiter,
            "_iter_unpack_sequence_": Guards.guarded_iter_unpack_sequence,
            "_unpack_sequence_": Guards.guarded_unpack_sequence,
            "_write_": Guards.full_write_guard, "_inplacevar_": self.inplacevar,
            "_apply_": _apply, "_print_": rp.PrintCollector, "_tick_": self.tick,
            "_binop_": self.binop})
        scope["__builtins__"] = {
            **_BUILTINS, "getattr": self.getattr, "range": self.range, "pow": self.pow,
            "round": self.round, "sum": self.sum}


def _apply(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


_BUILTINS: dict[str, Any] = {
    name: value for name, value in Guards.safe_builtins.items()
    if name not in ("__build_class__", "_getattr_", "id", "divmod", "BaseException",
                    "SystemExit", "KeyboardInterrupt", "GeneratorExit")}
_BUILTINS.update(
    all=all, any=any, ascii=ascii, dict=dict, enumerate=enumerate, filter=filter,
    frozenset=frozenset, list=list, map=map, max=max, min=min, reversed=reversed, set=set,
    sorted=sorted, tuple=tuple, zip=zip, datetime=datetime, date=date, timedelta=timedelta)


class SandboxedEnvironment(BasePythonScriptEngineEnvironment):
    """Spiff's ``TaskDataEnvironment`` semantics, with code run in the sandbox.

    `functions` are extra callables for scripts (e.g. working-calendar helpers); as with
    Spiff's environment globals, task data may not use their names and they are never
    written into it. `time_limit` is wall seconds per evaluation; `memory_limit_mb` bounds
    any single allocation and the memory growth during one evaluation.
    """

    def __init__(self, functions: Mapping[str, Callable[..., Any]] | None = None, *,
                 time_limit: float = 1.0, memory_limit_mb: int = 64) -> None:
        if time_limit <= 0 or memory_limit_mb <= 0:
            raise ValueError("time_limit and memory_limit_mb must be positive")
        super().__init__(dict(functions or {}))
        self.time_limit, self.memory_limit_mb = time_limit, memory_limit_mb

    def evaluate(self, expression: str, context: dict[str, Any],
                 external_context: Mapping[str, Any] | None = None) -> Any:
        """The value of `expression`, with the task data (`context`) as variables."""
        code = _compile(expression.strip(), "eval")
        return self._run(code, {**self.globals, **(external_context or {}), **context})

    def execute(self, script: str, context: dict[str, Any],
                external_context: Mapping[str, Any] | None = None) -> bool:
        """Run `script`; its new, changed and deleted top-level variables update `context`.

        All or nothing: a refused or failing script leaves `context` as it was. Functions,
        modules, `functions` and `external_context` are not written back.
        """
        external = dict(external_context or {})
        clash = (set(self.globals) | set(external)) & set(context)
        if clash:  # as Spiff's TaskDataEnvironment does
            raise ValueError(f"task data overwrites predefined function(s): {sorted(clash)}")
        code = _compile(script, "exec")
        scope = {**self.globals, **external, **copy.deepcopy(context)}
        self._run(code, scope)
        result = {k: v for k, v in scope.items()
                  if k not in _RESERVED and k not in self.globals and k not in external
                  and not callable(v) and not isinstance(v, ModuleType)}
        for key in [k for k in context if k not in result and k not in _RESERVED]:
            del context[key]
        context.update(result)
        return True

    def _run(self, code: CodeType, scope: dict[str, Any]) -> Any:
        run = _Run(self.time_limit, self.memory_limit_mb << 20)
        run.install(scope)
        try:  # RestrictedPython output, run against the guards installed above
            result = eval(code, scope)  # noqa: S307 - an "exec" code object returns None
        except Exception as exc:
            scope.clear()  # the traceback keeps the frame; don't let it keep the data
            if isinstance(exc, MemoryError):
                raise ScriptRefused("memory limit exceeded (allocation failed)") from None
            if run.refused is not None and not isinstance(exc, ScriptRefused):
                raise ScriptRefused(run.refused) from None  # caught, then something broke
            raise
        if run.refused is not None:  # caught by the script and swallowed
            scope.clear()
            raise ScriptRefused(run.refused)
        return result


@contextlib.contextmanager
def _revealing() -> Iterator[None]:
    """Make a ScriptRefused that Spiff wrapped the WorkflowTaskException's cause and text."""
    try:
        yield
    except WorkflowTaskException as err:
        if isinstance(err.__context__, ScriptRefused) and err.__cause__ is None:
            err.__cause__ = err.__context__
            if str(err.__cause__) not in str(err):
                err.add_note(str(err.__cause__))
        raise


class _SandboxScriptEngine(PythonScriptEngine):
    """Spiff's engine, keeping a refusal visible through its WorkflowTaskException."""

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        with _revealing():
            return super().evaluate(task, expression, external_context)

    def execute(self, task: Any, script: str, external_context: Any = None) -> Any:
        with _revealing():
            return super().execute(task, script, external_context)


def make_script_engine(functions: Mapping[str, Callable[..., Any]] | None = None, *,
                       time_limit: float = 1.0, memory_limit_mb: int = 64
                       ) -> PythonScriptEngine:
    """A Spiff script engine running every script and expression in the sandbox.

    Spiff wraps script errors in ``WorkflowTaskException``; when a refusal is the reason,
    that exception's ``__cause__`` is the :class:`ScriptRefused`, its ``error_type`` is
    "ScriptRefused" and its message contains "script refused: <reason>". Expressions
    Spiff evaluates through the environment directly (message correlation, process
    completion conditions) raise ScriptRefused itself.
    """
    environment = SandboxedEnvironment(functions, time_limit=time_limit,
                                       memory_limit_mb=memory_limit_mb)
    return _SandboxScriptEngine(environment=environment)
