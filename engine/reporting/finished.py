"""Where the period report puts a dossier that left processing without a result.

Form II.06a reconciles as received = resolved + in progress; it has no column for a
dossier the citizen withdrew, that was refused, or whose processing was stopped. A
FinishedRule says, for each of those ways of ending, which column counts it. The
default and its reasons are in docs/report.md ("Withdrawn, refused and stopped").
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from enum import StrEnum

from engine.errors import InvalidAction
from engine.vocabulary import FinishKind


class Placement(StrEnum):
    """The column a withdrawn, refused or stopped dossier is counted in."""

    RESOLVED = "resolved"  # resolved, late if it ended after its deadline, else on time
    ON_TIME = "on-time"  # resolved on time, whenever it ended
    EXCLUDED = "excluded"  # not received at all in the period it ended in


PLACEMENT_LABELS = {
    Placement.RESOLVED: "tính là đã giải quyết, theo thời hạn",
    Placement.ON_TIME: "tính là đã giải quyết đúng hạn",
    Placement.EXCLUDED: "không tính vào số hồ sơ nhận",
}
# The ways of ending a rule places, with their column labels; any other recorded ending
# follows "refused".
KIND_LABELS = {
    FinishKind.WITHDRAWN: "Rút hồ sơ",
    FinishKind.REFUSED: "Từ chối",
    FinishKind.STOPPED: "Dừng giải quyết",
}


@dataclass(frozen=True)
class FinishedRule:
    """A Placement for each unresolved way of ending. The default counts all three as
    resolved, timed against their deadline, so that every received dossier is either
    resolved or in progress, as the form adds up, and one period's closing balance is
    the next one's carried over."""

    withdrawn: Placement = Placement.RESOLVED
    refused: Placement = Placement.RESOLVED
    stopped: Placement = Placement.RESOLVED

    def placement(self, kind: FinishKind) -> Placement:
        """The placement of dossiers that ended this way (REFUSED for any other way)."""
        if kind in (FinishKind.WITHDRAWN, FinishKind.STOPPED):
            return Placement(getattr(self, kind.value))
        return self.refused

    def kinds(self, placement: Placement) -> tuple[FinishKind, ...]:
        """The ways of ending counted in `placement`, in WITHDRAWN, REFUSED, STOPPED order."""
        return tuple(kind for kind in KIND_LABELS if self.placement(kind) is placement)

    def text(self) -> str:
        """'withdrawn=resolved,refused=resolved,stopped=resolved': what parse reads."""
        return ",".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self))

    def note(self) -> str:
        """The rule in Vietnamese, for the foot of the printed report."""
        return "; ".join(f"{KIND_LABELS[kind].lower()}: "
                         f"{PLACEMENT_LABELS[self.placement(kind)]}" for kind in KIND_LABELS)

    @classmethod
    def parse(cls, text: str) -> FinishedRule:
        """Read 'withdrawn=excluded,stopped=on-time' (unnamed kinds keep the default) or
        one placement for all three ('excluded'). InvalidAction names what is wrong."""
        rule, kinds, placements = cls(), [f.name for f in fields(cls)], [p.value for p in
                                                                          Placement]
        items = [item.strip() for item in text.split(",")]
        if items == [""]:
            raise InvalidAction("the rule is empty; give e.g. withdrawn=excluded")
        for item in items:
            name, sep, value = (part.strip() for part in item.partition("="))
            if not sep:
                name, value = "", name
            if name and name not in kinds:
                raise InvalidAction(f"{name!r} is not a way of ending; use "
                                    f"{', '.join(kinds)}")
            if value not in placements:
                raise InvalidAction(f"{value!r} is not a placement; use "
                                    f"{', '.join(placements)}")
            changes = {name: Placement(value)} if name else dict.fromkeys(kinds,
                                                                          Placement(value))
            rule = replace(rule, **changes)
        return rule


DEFAULT_RULE = FinishedRule()
