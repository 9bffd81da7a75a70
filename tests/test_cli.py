"""The command line: `ask` for evaluation, and logs that never show the token."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from bot.cli import configure_logging
from bot.settings import load_settings
from tests.conftest import Cli

TOKEN = "123456:TEST-token-abcdefghijklmnopqrstuvwxyz"


def test_ask_json_gives_the_decision_and_ranked_matches(tmp_path: Path, cli: Cli) -> None:
    result = cli("ask", "Üyelik aidatı ne kadar?", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["decision"] == "answer"
    assert answer["matches"][0]["id"] == "faq:membership-fee"
    scores = [match["score"] for match in answer["matches"]]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 1 for score in scores)
    assert not (tmp_path / "db.sqlite3").exists()  # asking creates no database


def test_ask_reads_one_question_a_line_and_answers_in_order(cli: Cli) -> None:
    questions = "patent desteği\nbitcoin fiyatı\nhow do we apply for membership\n"
    result = cli("ask", "-", "--json", stdin=questions)
    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 3
    assert answers[0]["matches"][0]["id"] in ("faq:ipr-support", "service:ipr")
    assert answers[1]["decision"] == "none" and answers[1]["matches"] == []
    assert answers[1]["kind"] == "none" and "bulamadım" in answers[1]["answer"]
    assert answers[2]["matches"][0]["id"] == "faq:membership-how"


def test_ask_json_adds_the_answer_a_person_sees_and_its_kind(cli: Cli) -> None:
    questions = "ihracat destegi var mi\nthanks\nyalın eğitimi ne zaman\nis the Italy visit full?\n"
    result = cli("ask", "-", "--json", stdin=questions)
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


def test_ask_without_json_prints_the_answer_then_the_ranking(cli: Cli) -> None:
    result = cli("ask", "sertifika", "--lang", "tr")
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


def test_ask_shows_a_suggestion_as_the_chat_does(cli: Cli) -> None:
    result = cli("ask", "ziyarete katılacaklar nasıl belirleniyor", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["decision"], answer["kind"]) == ("suggest", "faq")
    assert answer["matches"][0]["id"] == "faq:study-visit-selection"
    assert "👥 Sorumu ekibe ilet" in answer["buttons"] and "👥 Ekibe sor" not in answer["buttons"]
