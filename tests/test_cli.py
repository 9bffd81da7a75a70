"""The command line: `ask` for evaluation, and logs that never show the token."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import configure_logging
from bot.settings import load_settings

ROOT = str(Path(__file__).resolve().parents[1])
TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"


def _ask(*args: str, stdin: str | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "ask", *args],
        input=stdin,
        capture_output=True,
        text=True,
        # This checkout's code, not whichever copy the interpreter has installed.
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_PATH": str(cwd / "none.sqlite3"),
            "PYTHONPATH": ROOT,
        },
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_ask_json_gives_the_decision_and_ranked_matches(tmp_path: Path) -> None:
    result = _ask("Üyelik aidatı ne kadar?", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["decision"] == "answer"
    assert answer["matches"][0]["id"] == "faq:membership-fee"
    scores = [match["score"] for match in answer["matches"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 1 for score in scores)
    assert not (tmp_path / "none.sqlite3").exists()  # asking creates no database


def test_ask_reads_one_question_a_line_and_answers_in_order(tmp_path: Path) -> None:
    questions = "patent desteği\nbitcoin fiyatı\nhow do we apply for membership\n"
    result = _ask("-", "--json", stdin=questions, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 3
    assert answers[0]["matches"][0]["id"] in ("faq:ipr-support", "service:ipr")
    assert answers[1]["decision"] == "none" and answers[1]["matches"] == []
    assert answers[1]["kind"] == "none" and "bulamadım" in answers[1]["answer"]
    assert answers[2]["matches"][0]["id"] == "faq:membership-how"


def test_ask_json_adds_the_answer_a_person_sees_and_its_kind(tmp_path: Path) -> None:
    questions = "ihracat destegi var mi\nthanks\nyalın eğitimi ne zaman\nis the Italy visit full?\n"
    result = _ask("-", "--json", stdin=questions, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    export, thanks, lean, italy = [json.loads(line) for line in result.stdout.splitlines()]
    assert export["kind"] == "faq" and "fuarlarda ortak küme standı" in export["answer"]
    assert "<" not in export["answer"]  # plain text, no HTML
    assert "📝 Bu hizmeti talep et" in export["buttons"]
    assert "📅 İhracata İlk Adım: Uluslararasılaşma Stratejisi" in export["buttons"]
    assert (thanks["kind"], thanks["matches"]) == ("smalltalk", [])
    assert thanks["answer"].startswith("You're welcome")
    assert (lean["decision"], lean["kind"]) == ("choose", "event")
    assert "Hangisini" in lean["answer"] and len(lean["matches"]) == 2
    assert italy["kind"] == "event" and "Bologna" in italy["answer"]


def test_ask_without_json_prints_the_answer_then_the_ranking(tmp_path: Path) -> None:
    result = _ask("sertifika", "--lang", "tr", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    answer, ranking = result.stdout.split("\ndecision: ")
    assert "katılım belgesi" in answer and "[👍 İşe yaradı]" in answer
    assert ranking.startswith("answer  kind: faq")
    assert "faq:training-certificate" in ranking


def test_logs_never_show_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    settings = load_settings({"BOT_TOKEN": TOKEN}, env_file=None)
    configure_logging(settings)
    try:
        logging.getLogger("telegram.test").warning("POST https://api/bot%s/getMe failed", TOKEN)
        logging.getLogger("httpx").warning("HTTP Request: https://api/bot%s/sendMessage", TOKEN)
    finally:
        logging.getLogger().handlers.clear()
    err = capsys.readouterr().err
    assert TOKEN not in err
    assert "bot<token>/getMe" in err and "bot<token>/sendMessage" in err
