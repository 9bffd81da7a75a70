"""Measure the answering on sets of person questions with the entries that answer them.

    python -m bot.domain.answering.evaluate [--questions FILE ...] [--content FILE] [--verbose]

A question file is a YAML list of {q: "...", expect: [faq:ID, service:ID, event:ID]}; any listed
entry counts as right, and `expect: []` marks a question outside what the cluster does.
`expect: [smalltalk:KIND]` marks small talk, and `which: true` a question several events fit, to
be answered with "which one?" (or a list) offering every listed event. `expect: [list:KIND]`
(`list:any` for every kind, `list:training+webinar` for several) marks a question for a list of
events, with `period: "2027-01-01/2027-02-01"` (local dates, the end left out) when it names one;
relative periods ("bu hafta") are worked out as asked at `ASKED_AT`. Without --questions, the
sets shipped in tests/data are measured: the development set, the held-out set, the small-talk
and event set, the questions of the first review, the questions for lists of events and long
messages with their question at the end.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bot.domain.answering.index import Answer, AnswerIndex
from storage.content import bundled_content_path, load_catalogue

_DATA = Path(__file__).resolve().parents[3] / "tests" / "data"
DEFAULT_QUESTIONS = (
    _DATA / "demo-questions.yaml",
    _DATA / "heldout-questions.yaml",
    _DATA / "smalltalk-event-questions.yaml",
    _DATA / "review-questions.yaml",
    _DATA / "event-list-questions.yaml",
    _DATA / "long-questions.yaml",
)
SMALL_TALK = "smalltalk:"
LIST = "list:"
# Every set is asked at one moment, so that "this week" always means the same days.
ISTANBUL = ZoneInfo("Europe/Istanbul")
ASKED_AT = datetime(2026, 12, 3, 10, 0, tzinfo=ISTANBUL)


@dataclass(frozen=True)
class Question:
    """A person's question and what answers it (none: out of scope)."""

    text: str
    expect: tuple[str, ...]
    which: bool = False  # several events fit: the right answer asks which one
    period: tuple[date, date] | None = None  # a list question's period, local dates [from, to)

    @property
    def small_talk(self) -> bool:
        """Return whether the question is small talk."""
        return any(ref.startswith(SMALL_TALK) for ref in self.expect)


@dataclass
class Report:
    """Counts over one question set; shares are computed from them."""

    questions: int = 0
    in_scope: int = 0  # neither small talk nor out of scope
    out_of_scope: int = 0
    small_talk: int = 0
    correct: int = 0  # answered with an expected entry first ("which one?": with all of them)
    shown: int = 0  # an expected entry among what the person sees (answer: 1st, else first 3)
    confident_wrong: int = 0  # answered with an unexpected entry, or small talk taken amiss
    held_back: int = 0  # out of scope and not answered
    small_talk_recognised: int = 0
    taken_for_small_talk: int = 0  # a question answered as if it were small talk
    misses: list[str] = field(default_factory=list)

    @property
    def correct_share(self) -> float:
        return self.correct / self.in_scope if self.in_scope else 0.0

    @property
    def shown_share(self) -> float:
        return self.shown / self.in_scope if self.in_scope else 0.0

    @property
    def confident_wrong_share(self) -> float:
        return self.confident_wrong / self.questions if self.questions else 0.0

    @property
    def held_back_share(self) -> float:
        return self.held_back / self.out_of_scope if self.out_of_scope else 1.0

    @property
    def small_talk_share(self) -> float:
        return self.small_talk_recognised / self.small_talk if self.small_talk else 1.0

    def add(self, other: Report) -> None:
        """Add another report's counts to this one."""
        for name in (
            "questions", "in_scope", "out_of_scope", "small_talk", "correct", "shown",
            "confident_wrong", "held_back", "small_talk_recognised", "taken_for_small_talk",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses


def load_questions(path: Path) -> list[Question]:
    """Read a question file; raise ValueError on a malformed one."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: must be a list of {{q, expect}} items")
    questions = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str):
            raise ValueError(f"{path}: item {number} needs a text q")
        expect = item.get("expect") or []
        if not isinstance(expect, list) or not all(isinstance(ref, str) for ref in expect):
            raise ValueError(f"{path}: item {number}: expect must be a list of ids")
        which = item.get("which", False)
        if not isinstance(which, bool):
            raise ValueError(f"{path}: item {number}: which must be true or false")
        period = item.get("period")
        if period is not None and not isinstance(period, str):
            raise ValueError(f"{path}: item {number}: period must be FROM/TO dates")
        questions.append(Question(item["q"], tuple(expect), which, _period(path, number, period)))
    return questions


def _period(path: Path, number: int, text: str | None) -> tuple[date, date] | None:
    if text is None:
        return None
    try:
        first, _, last = text.partition("/")
        return date.fromisoformat(first), date.fromisoformat(last)
    except ValueError as error:
        raise ValueError(f"{path}: item {number}: period must be FROM/TO dates") from error


def _listed_right(question: Question, answer: Answer, timezone: ZoneInfo) -> bool:
    """Return whether a list answer lists what was asked: its kinds and its period."""
    asked = answer.events_asked
    if asked is None:
        return False
    kinds = {ref.removeprefix(LIST) for ref in question.expect if ref.startswith(LIST)}
    wanted = {frozenset() if ref == "any" else frozenset(ref.split("+")) for ref in kinds}
    if asked.kinds not in wanted:
        return False
    period = asked.period
    if period is None or question.period is None:
        return period is None and question.period is None
    shown = (period.starts.astimezone(timezone).date(), period.ends.astimezone(timezone).date())
    first, last = question.period
    # "This week" and "this month" start now: the period asked may start before the moment.
    return shown[1] == last and (shown[0] == first or (first <= shown[0] <= ASKED_AT.date()))


def _shown(answer: Answer) -> tuple[str, ...]:
    """Return the ids the person sees: the answer alone, up to three suggestions, the choices."""
    if answer.decision == "answer":
        return tuple(match.id for match in answer.matches[:1])
    if answer.decision == "suggest":
        return tuple(match.id for match in answer.matches[:3])
    if answer.decision in ("choose", "list"):
        return tuple(match.id for match in answer.matches)
    return ()


def _describe(question: Question, answer: Answer) -> str:
    found = ", ".join(f"{m.id} {m.score:.2f}" for m in answer.matches[:3]) or "-"
    if answer.small_talk is not None:
        found = f"small talk ({answer.small_talk})"
    expected = ", ".join(question.expect) or "out of scope"
    return f"{answer.decision:<7} {question.text!r}\n        got: {found}\n        want: {expected}"


def _judge(report: Report, question: Question, answer: Answer) -> bool:
    """Count one answer; return whether it was right."""
    shown = _shown(answer)
    confident = answer.decision in ("answer", "choose", "list") and answer.small_talk is None
    if question.small_talk:
        report.small_talk += 1
        if answer.small_talk is not None:
            report.small_talk_recognised += 1
            return True
        report.confident_wrong += confident
        return False
    if answer.small_talk is not None:
        report.taken_for_small_talk += 1
        report.confident_wrong += 1
        if not question.expect:
            report.out_of_scope += 1
        else:
            report.in_scope += 1
        return False
    if not question.expect:
        report.out_of_scope += 1
        report.held_back += not confident
        report.confident_wrong += confident
        return not confident
    report.in_scope += 1
    if any(ref.startswith(LIST) for ref in question.expect):
        right = answer.decision == "list" and _listed_right(question, answer, ISTANBUL)
        report.shown += right
        report.correct += right
        report.confident_wrong += confident and not right
        return right
    report.shown += any(ref in question.expect for ref in shown)
    if question.which:
        right = answer.decision in ("choose", "list") and set(question.expect) <= set(shown)
    else:
        right = answer.decision == "answer" and bool(shown) and shown[0] in question.expect
    if right:
        report.correct += 1
    elif (
        answer.decision == "answer"
        or (answer.decision in ("choose", "list") and not question.which)
    ) and not any(ref in question.expect for ref in shown):
        report.confident_wrong += 1
    return right


def evaluate(index: AnswerIndex, questions: Sequence[Question]) -> Report:
    """Ask every question and count the outcomes."""
    report = Report()
    for question in questions:
        answer = index.ask(question.text, now=ASKED_AT)
        report.questions += 1
        if not _judge(report, question, answer):
            report.misses.append(_describe(question, answer))
    return report


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "-"


# Each measure: its name, the target, and how to read it from a report.
_MEASURES: tuple[tuple[str, str, Callable[[Report], str]], ...] = (
    ("questions", "", lambda r: f"{r.questions}"),
    ("correct, confident", ">= 90%", lambda r: _share(r.correct, r.in_scope)),
    ("correct in first 3", ">= 98%", lambda r: _share(r.shown, r.in_scope)),
    ("confident wrong", "<= 2%", lambda r: _share(r.confident_wrong, r.questions)),
    ("out of scope held back", ">= 95%", lambda r: _share(r.held_back, r.out_of_scope)),
    ("small talk recognised", ">= 95%", lambda r: _share(r.small_talk_recognised, r.small_talk)),
    ("taken for small talk", "0", lambda r: f"{r.taken_for_small_talk}"),
)


def format_table(reports: Sequence[tuple[str, Report]]) -> str:
    """Return one column per question set, and one for them all, as a text table."""
    total = Report()
    for _, report in reports:
        total.add(report)
    columns = [*reports, ("all", total)]
    width = max(10, *(len(name) + 2 for name, _ in columns))
    header = f"{'measure':<24}{'target':>8}" + "".join(f"{name:>{width}}" for name, _ in columns)
    lines = [header, "-" * len(header)]
    for name, target, read in _MEASURES:
        cells = "".join(f"{read(report):>{width}}" for _, report in columns)
        lines.append(f"{name:<24}{target:>8}{cells}")
    return "\n".join(lines)


def format_report(report: Report, title: str) -> str:
    """Return one set's report as a small text table."""
    return format_table([(title, report)])


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation from the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.domain.answering.evaluate", description=__doc__
    )
    parser.add_argument(
        "--questions",
        type=Path,
        action="append",
        help="a question file (repeat for several; default: the sets in tests/data)",
    )
    parser.add_argument(
        "--content", type=Path, default=None, help="catalogue YAML (default: bundled)"
    )
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    paths: list[Path] = args.questions or list(DEFAULT_QUESTIONS)
    for path in paths:
        if not path.is_file():
            print(f"error: question file {path} not found; pass --questions FILE", file=sys.stderr)
            return 1
    try:
        sets = [(path, load_questions(path)) for path in paths]
        catalogue = load_catalogue(args.content or bundled_content_path())
    except (ValueError, OSError, yaml.YAMLError) as error:  # ContentError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        return 1
    index = AnswerIndex.build(catalogue)
    reports = [(path.stem.removesuffix("-questions"), evaluate(index, qs)) for path, qs in sets]
    print(format_table(reports))
    if args.verbose:
        for name, report in reports:
            if report.misses:
                print(f"\nmisses in {name}:")
                for miss in report.misses:
                    print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
