"""The texts as a native editor checks them: the same keys in both languages, no guillemets."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import messages
from bot.screens.texts import Texts

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
