"""The script environment: diagram scripts and expressions run in a sandbox.

Scripts, conditions, timer expressions and message payloads are code from whoever edits a
diagram. RestrictedPython compiles them (no imports or "_" names; guarded attribute, item,
iteration and write access); they see a whitelist of builtins and in-process limits. Time:
cooperative ticks at the top of every ``while`` body, function and lambda and on every item
a ``for``/comprehension takes (``_getiter_``); not ``sys.settrace``, which slows every line
and displaces debuggers' and coverage's tracers. Memory: ``* ** << // %``, pow/round/range,
format widths and the str methods that pad or multiply are sized *before* they run (ints
are capped at MAX_INT_BITS: big-int arithmetic is CPU time too); the tick samples resident
memory for gradual growth (coarse: process-wide). One long C call can overrun its limit.
A refusal is sticky: a script catching one is refused again at its next tick or return.
Ordinary script bugs (NameError, SyntaxError...) propagate unchanged.
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

_GUARDED_OPS = {ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.FloorDiv: "//",
                ast.Mod: "%"}  # sized by _Run.check_op; "+" at most doubles what exists
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "*": operator.mul, "**": operator.pow, "<<": operator.lshift, "//": operator.floordiv,
    "%": operator.mod}
_INPLACE: dict[str, Callable[[Any, Any], Any]] = {
    f"{op}=": getattr(operator, name) for op, name in zip(
        "+ - * / % ** << >> | ^ & // @".split(), "iadd isub imul itruediv imod ipow ilshift "
        "irshift ior ixor iand ifloordiv imatmul".split(), strict=True)}
_WIDTH_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "to_bytes", "expandtabs"})
_SIZED_METHODS = _WIDTH_METHODS | {"replace", "join", "translate"}
_DENIED_ATTRS = frozenset({"from_bytes", "mro", "format", "format_map"})
_REFUSED_CALLS = ("open", "exec", "eval", "compile", "globals", "locals", "vars", "dir",
                  "input", "breakpoint", "help", "exit", "quit", "type", "object", "super",
                  "memoryview", "iter", "setattr", "delattr", "__import__")
_HUGE_WIDTH = re.compile(r"%(\([^)]*\))?[^%a-zA-Z]*(\*|\d{7})")  # in "%" formatting
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
        elif isinstance(node, ast.FormattedValue) and node.format_spec and re.search(
                r"\{|\d{7}", ast.unparse(node.format_spec)):  # f"{x:{n}}" or f"{x:>9999999}"
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
    if (reason := _first_refusal(tree)) is not None:
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
        self.deadline, self.next_rss = time.monotonic() + time_limit, 0.0
        self.rss_base: int | None = None  # taken at the first tick or big allocation
        self.refused: str | None = None

    def refuse(self, reason: str) -> NoReturn:
        self.refused = self.refused or reason
        raise ScriptRefused(self.refused)

    def tick(self) -> None:
        now = time.monotonic()
        if self.refused is not None or now > self.deadline:
            self.refuse(self.refused or f"time limit of {self.time_limit:g} s exceeded")
        if now >= self.next_rss:
            self.next_rss = now + 0.002  # sample resident memory every 2 ms at most
            self.grown(0)

    def grown(self, upcoming: int) -> None:
        rss = _rss_bytes()
        self.rss_base = rss if self.rss_base is None else self.rss_base
        growth = rss - self.rss_base
        if growth + upcoming > self.limit:
            self.refuse(f"memory limit exceeded (process grew by {growth >> 20} MB)")

    def items(self, count: int, item_bytes: int = 1) -> None:  # before it is allocated
        if count * item_bytes > self.limit:
            self.refuse(f"memory limit exceeded (sequence of {count} items)")
        if count * item_bytes > self.limit // 16:  # big: does it fit next to what grew?
            self.grown(count * item_bytes)

    def bits(self, bits: float) -> None:
        if bits > MAX_INT_BITS:
            self.refuse(f"memory limit exceeded (integer of about {int(bits)} bits)")

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
        elif op == "*" and isinstance(a, int) and isinstance(b, (str, bytes, list, tuple)):
            self.check_op(op, b, a)
        elif op == "*" and isinstance(a, (str, bytes, list, tuple)) and isinstance(b, int):
            self.items(len(a) * b, 1 if isinstance(a, (str, bytes)) else 8)
        elif op == "%" and isinstance(a, (str, bytes)) and _HUGE_WIDTH.search(
                a if isinstance(a, str) else a.decode("latin-1")):
            self.refuse("format widths must be literal and under 1000000")

    def binop(self, op: str, a: Any, b: Any) -> Any:
        self.check_op(op, a, b)
        return _BINARY[op](a, b)

    def inplacevar(self, op: str, a: Any, b: Any) -> Any:
        self.check_op(op[:-1], a, b)
        return _INPLACE[op](a, b)

    def getattr(self, obj: Any, name: str, *default: Any) -> Any:
        if isinstance(name, str) and (_private(name) or name in _DENIED_ATTRS):
            shown = not name.startswith("_") or re.fullmatch(r"__\w+__", name)  # "_x": data?
            self.refuse(f"access to {repr(name) if shown else 'that name'} is not allowed")
        value = Guards.safer_getattr(obj, name, *default) if default \
            else Guards.safer_getattr_raise(obj, name)
        if name in _SIZED_METHODS and isinstance(obj, type):
            self.refuse(f"use '{name}' on a value, not on its type")
        if name in _SIZED_METHODS and isinstance(obj, (str, bytes, int)):
            return self.sized(obj, name, value)
        return value

    def sized(self, obj: Any, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        """`method`, refusing calls whose result would not fit (a closure, not a partial)."""
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
        if mod is not None and isinstance(b, int) and isinstance(mod, int):
            self.bits(b.bit_length() * mod.bit_length() / 128)  # cost ~ bits(b) * bits(mod)²
        return self.binop("**", a, b) if mod is None else builtins.pow(a, b, mod)

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
            "_apply_": lambda f, *a, **kw: f(*a, **kw), "_print_": rp.PrintCollector,
            "_tick_": self.tick, "_binop_": self.binop})
        scope["__builtins__"] = {
            **_BUILTINS, "getattr": self.getattr, "range": self.range, "pow": self.pow,
            "round": self.round, "sum": self.sum}


def _c_import(name: str, *args: Any, **kwargs: Any) -> ModuleType:
    """``__import__`` for datetime's C code; scripts can't name it ("_" names are refused)."""
    if name not in ("time", "_strptime"):
        raise ImportError(f"import of {name!r} is not allowed")
    return builtins.__import__(name, *args, **kwargs)


_BUILTINS: dict[str, Any] = {
    name: value for name, value in Guards.safe_builtins.items()
    if name not in ("__build_class__", "_getattr_", "id", "divmod", "BaseException",
                    "SystemExit", "KeyboardInterrupt", "GeneratorExit")}
_BUILTINS.update(
    all=all, any=any, ascii=ascii, dict=dict, enumerate=enumerate, filter=filter,
    frozenset=frozenset, list=list, map=map, max=max, min=min, reversed=reversed, set=set,
    sorted=sorted, tuple=tuple, zip=zip, datetime=datetime, date=date, timedelta=timedelta,
    __import__=_c_import)


class SandboxedEnvironment(BasePythonScriptEngineEnvironment):
    """Spiff's ``TaskDataEnvironment`` semantics, run in the sandbox. `functions` are extra
    callables for scripts (working-calendar helpers...), never written into task data;
    `time_limit` is wall seconds per evaluation, `memory_limit_mb` bounds any allocation
    and the memory growth during one evaluation."""

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
        """Run `script`; its new, changed and deleted top-level variables update `context`,
        all or nothing. Functions, modules, `functions` and `external_context` are not."""
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
            if run.refused is not None:  # the script caught a refusal and carried on
                raise ScriptRefused(run.refused)
        except Exception as exc:
            scope.clear()  # the traceback keeps the frame; don't let it keep the data
            if isinstance(exc, MemoryError):
                raise ScriptRefused("memory limit exceeded (allocation failed)") from None
            if run.refused is not None and not isinstance(exc, ScriptRefused):
                raise ScriptRefused(run.refused) from None  # caught, then something broke
            raise
        return result


class _SandboxScriptEngine(PythonScriptEngine):
    """Spiff's engine; a refusal is the ``__cause__`` of the WorkflowTaskException raised."""

    def evaluate(self, task: Any, expression: str, external_context: Any = None) -> Any:
        try:
            return super().evaluate(task, expression, external_context)
        except WorkflowTaskException as err:
            raise _reveal(err, err.__context__)  # noqa: B904 - re-raises err itself

    def create_task_exec_exception(self, task: Any, script: str, err: Exception) -> Any:
        return _reveal(super().create_task_exec_exception(task, script, err), err)


def _reveal(wrapper: Any, refused: BaseException | None) -> Any:
    if isinstance(refused, ScriptRefused) and wrapper is not refused:
        wrapper.__cause__ = refused
        if str(refused) not in str(wrapper):
            wrapper.add_note(str(refused))
    return wrapper


def make_script_engine(functions: Mapping[str, Callable[..., Any]] | None = None, *,
                       time_limit: float = 1.0, memory_limit_mb: int = 64
                       ) -> PythonScriptEngine:
    """A Spiff script engine running every script and expression in the sandbox.

    Spiff wraps script errors in ``WorkflowTaskException``; for a refusal its ``__cause__``
    is the :class:`ScriptRefused`, ``error_type`` is "ScriptRefused" and the message holds
    "script refused: <reason>". Expressions Spiff evaluates through the environment itself
    (message correlation, completion conditions) raise ScriptRefused directly."""
    environment = SandboxedEnvironment(functions, time_limit=time_limit,
                                       memory_limit_mb=memory_limit_mb)
    return _SandboxScriptEngine(environment=environment)
