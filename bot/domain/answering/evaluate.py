"""Measure the answering on a set of person questions with the entries that answer them.

    python -m bot.domain.answering.evaluate [--questions FILE] [--content FILE] [--verbose]

The question file is a YAML list of {q: "...", expect: [faq:ID, service:ID, event:ID]}; any listed
entry counts as right, and `expect: []` marks a question outside what the cluster does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.domain.answering.index import Answer, AnswerIndex
from storage.content import bundled_content_path, load_catalogue

# The shared development set lives next to the project, not inside the package.
DEFAULT_QUESTIONS = Path("../shared/content/demo-questions.yaml")


@dataclass(frozen=True)
class Question:
    """A person's question and the ids of the entries that answer it (none: out of scope)."""

    text: str
    expect: tuple[str, ...]


@dataclass
class Report:
    """Counts over one question set; shares are computed from them."""

    questions: int = 0
    in_scope: int = 0
    out_of_scope: int = 0
    correct: int = 0  # decision "answer" and the first match is expected
    shown: int = 0  # an expected entry among what the person sees (answer: 1st, suggest: first 3)
    confident_wrong: int = 0  # decision "answer" with an unexpected first match
    held_back: int = 0  # out of scope and not answered
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
        questions.append(Question(item["q"], tuple(expect)))
    return questions


def _shown(answer: Answer) -> tuple[str, ...]:
    """Return the ids the person sees: the answer alone, or up to three suggestions."""
    if answer.decision == "answer":
        return tuple(match.id for match in answer.matches[:1])
    if answer.decision == "suggest":
        return tuple(match.id for match in answer.matches[:3])
    return ()


def _describe(question: Question, answer: Answer) -> str:
    found = ", ".join(f"{m.id} {m.score:.2f}" for m in answer.matches[:3]) or "-"
    expected = ", ".join(question.expect) or "out of scope"
    return f"{answer.decision:<7} {question.text!r}\n        got: {found}\n        want: {expected}"


def evaluate(index: AnswerIndex, questions: Sequence[Question]) -> Report:
    """Ask every question and count the outcomes."""
    report = Report()
    for question in questions:
        answer = index.ask(question.text)
        report.questions += 1
        first = answer.matches[0].id if answer.matches else None
        confident = answer.decision == "answer"
        if not question.expect:
            report.out_of_scope += 1
            if confident:
                report.confident_wrong += 1
                report.misses.append(_describe(question, answer))
            else:
                report.held_back += 1
            continue
        report.in_scope += 1
        if confident and first in question.expect:
            report.correct += 1
        else:
            report.misses.append(_describe(question, answer))
            if confident:
                report.confident_wrong += 1
        if any(ref in question.expect for ref in _shown(answer)):
            report.shown += 1
    return report


def format_report(report: Report, title: str) -> str:
    """Return the report as a small text table."""
    rows = [
        ("questions", f"{report.questions}", f"{report.in_scope} in scope"),
        (
            "correct, confident",
            f"{report.correct_share:.1%}",
            f"{report.correct}/{report.in_scope}",
        ),
        ("correct in first 3", f"{report.shown_share:.1%}", f"{report.shown}/{report.in_scope}"),
        (
            "confident wrong",
            f"{report.confident_wrong_share:.1%}",
            f"{report.confident_wrong}/{report.questions}",
        ),
        (
            "out of scope held back",
            f"{report.held_back_share:.1%}",
            f"{report.held_back}/{report.out_of_scope}",
        ),
    ]
    lines = [title, f"{'measure':<24}{'share':>8}  count", "-" * 44]
    lines += [f"{name:<24}{share:>8}  {count}" for name, share, count in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation from the command line; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.domain.answering.evaluate", description=__doc__
    )
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument(
        "--content", type=Path, default=None, help="catalogue YAML (default: bundled)"
    )
    parser.add_argument("--verbose", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    questions_path: Path = args.questions
    if not questions_path.is_file():
        print(
            f"error: question file {questions_path} not found; run from the project root "
            "or pass --questions FILE",
            file=sys.stderr,
        )
        return 1
    try:
        questions = load_questions(questions_path)
        catalogue = load_catalogue(args.content or bundled_content_path())
    except (ValueError, OSError, yaml.YAMLError) as error:  # ContentError is a ValueError
        print(f"error: {error}", file=sys.stderr)
        return 1
    report = evaluate(AnswerIndex.build(catalogue), questions)
    print(format_report(report, f"{questions_path}"))
    if args.verbose and report.misses:
        print("\nmisses:")
        for miss in report.misses:
            print(f"  {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
