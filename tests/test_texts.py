"""The texts as a native editor checks them: the same keys in both languages, no guillemets."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import messages
from bot.screens.texts import Texts
from storage import content
from storage.content import ContentError

FOLDER = Path(messages.__file__).parent
# Guillemets read as French or Russian; Turkish quotes with “…” (or "...").
GUILLEMETS = re.compile(r"[«»]")


def templates(language: str) -> set[str]:
    """Return the names of a language's templates."""
    return {path.name for path in (FOLDER / language).glob("*.j2")}


def test_every_template_exists_in_both_languages() -> None:
    turkish, english = templates("tr"), templates("en")
    assert sorted(turkish - english) == [], "templates only in Turkish"
    assert sorted(english - turkish) == [], "templates only in English"


def test_every_label_exists_in_both_languages() -> None:
    texts = Texts(ZoneInfo("Europe/Istanbul"))
    turkish = set(texts._load_labels("tr"))
    english = set(texts._load_labels("en"))
    assert sorted(turkish - english) == [], "labels only in Turkish"
    assert sorted(english - turkish) == [], "labels only in English"


@pytest.mark.parametrize("name", sorted(templates("tr")))
def test_turkish_templates_use_turkish_quotation_marks(name: str) -> None:
    text = (FOLDER / "tr" / name).read_text(encoding="utf-8")
    assert GUILLEMETS.findall(text) == [], f"{name} uses guillemets; write “…” instead"


def test_the_turkish_demo_catalogue_uses_turkish_quotation_marks() -> None:
    catalogue = Path(__file__).parents[1] / "storage" / "demo-cluster.yaml"
    assert GUILLEMETS.findall(catalogue.read_text(encoding="utf-8")) == []


# Words a native editor struck out, and what is written instead: "kapıda gelen" reads as broken
# Turkish, "kendiliğinden düştü" as a seat that fell by itself, "Aynen kalsın" as slang; and
# unlimited is one word ("Sınırsız", "unlimited") wherever a button or a value says it.
STRUCK = {
    "tr": ("kapıda gelen", "kendiliğinden", "Aynen kalsın", "Sınır yok"),
    "en": ('"No limit"', '"no limit"', "walk-in"),
}


@pytest.mark.parametrize("language", sorted(STRUCK))
def test_struck_words_stay_out_of_the_catalogues(language: str) -> None:
    found = [
        f"{path.name}: {word}"
        for path in sorted((FOLDER / language).glob("*.j2"))
        for word in STRUCK[language]
        if word in path.read_text(encoding="utf-8")
    ]
    assert found == []


def content_problems() -> list[str]:
    """Return every problem template the catalogue's validator raises (storage/content.py)."""
    tree = ast.parse(Path(content.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "attr", getattr(node.func, "id", None))
        position = {"fail": 1, "ContentError": 3}.get(str(name))
        if position is not None and len(node.args) > position:
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                found.add(argument.value)
    return sorted(found)


def test_the_validator_raises_problems_this_test_can_see() -> None:
    assert "is missing" in content_problems() and len(content_problems()) > 30


@pytest.mark.parametrize("template", content_problems())
def test_every_content_problem_reads_in_turkish(template: str) -> None:
    texts = Texts(ZoneInfo("Europe/Istanbul"))
    params = {name: "x" for name in re.findall(r"{(\w+)(?:![rs])?}", template)}
    if "{tr" in template or "{service" in template:
        params = {}  # braces shown as they are, not fields
    error = ContentError("file.yaml", "event:x", "field", template, params)
    turkish = texts.render("tr", "content_problem", error=error)
    assert turkish and turkish != error.problem, f"no Turkish for {template!r}"
