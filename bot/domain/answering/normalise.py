"""Turkish-aware text normalisation: case and letter folding, tokens, light stemming, stop words.

People type on phones, often without Turkish letters ("egitim" for "eğitim") and in upper case,
so every text, the catalogue's and the person's, is reduced to the same plain ASCII form before
matching: "İSTANBUL'DA Eğitimler" -> ["istanbul", "egitimler"]. Stems are light and need only be
consistent: a word family must meet ("eğitimlere", "eğitimin" -> "egit"), not give real roots.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Turkish dotted/dotless i must be mapped before str.lower(): "I".lower() is "i" (wrong in Turkish)
# and "İ".lower() is "i" + a combining dot.
_TURKISH_UPPER = str.maketrans({"İ": "i", "I": "ı"})
# After case folding every Turkish letter meets its ASCII look-alike, as people often type them.
_TO_ASCII = str.maketrans(
    {"ı": "i", "ş": "s", "ğ": "g", "ü": "u", "ö": "o", "ç": "c", "â": "a", "î": "i", "û": "u"}
)
_TURKISH_LETTERS = frozenset("çğıöşüÇĞİÖŞÜ")
_APOSTROPHES = "'’‘`´ʼ′"
# A Turkish apostrophe separates a proper noun from its suffixes ("İspanya'ya"); English ones
# cut "company's", "don't": in both cases the part after it carries no topic.
_APOSTROPHE_SUFFIX = re.compile(rf"(?<=\w)[{_APOSTROPHES}]\w*")
# "e-posta", "e-mail": a one-letter prefix belongs to the word.
_LETTER_HYPHEN = re.compile(r"\b([a-z])-(?=[a-z])")
_WORD = re.compile(r"[^\W_]+")


def fold_case(text: str) -> str:
    """Lower-case with the Turkish rules for I and İ ("IŞIK" -> "ışık", "İL" -> "il")."""
    return text.translate(_TURKISH_UPPER).lower()


def has_turkish_letters(text: str) -> bool:
    """Return whether the text uses a letter only Turkish has (a strong hint of its language)."""
    return any(char in _TURKISH_LETTERS for char in text)


def fold(text: str) -> str:
    """Return plain lower-case text: NFKC, Turkish case rules, ASCII letters, no accents, emoji."""
    text = unicodedata.normalize("NFKC", text)
    text = fold_case(text).translate(_TO_ASCII)
    # Remove remaining accents (é, ñ) but keep the letters of other scripts as they are.
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(char for char in decomposed if not unicodedata.combining(char))
    # Emoji, symbols and punctuation become spaces; letters and digits of any script stay.
    return "".join(char if char.isalnum() or char in _APOSTROPHES + "-" else " " for char in text)


def tokenize(text: str) -> list[str]:
    """Split a text into folded word tokens; apostrophe suffixes are dropped."""
    folded = fold(text)
    folded = _APOSTROPHE_SUFFIX.sub("", folded)
    folded = _LETTER_HYPHEN.sub(r"\1", folded)
    return _WORD.findall(folded)


# Turkish suffixes in folded form (vowel harmony variants collapse once ı/ü/ö are folded).
# Plural, possessive, case, -siz, -ce, -lik after a vowel, copula, verb forms. Other derivations
# (-li, -ci) stay: "tescili" must give "tescil", not "tes"; prefix matching joins those families.
_TR_SUFFIXES = tuple(
    sorted(
        {
            "lar", "ler", "lari", "leri", "larim", "lerim", "larin", "lerin",
            "larimiz", "lerimiz", "lariniz", "leriniz",
            "imiz", "umuz", "iniz", "unuz", "miz", "muz", "niz", "nuz",
            "im", "um", "in", "un", "si", "su", "i", "u", "a", "e",
            "ya", "ye", "yi", "yu", "na", "ne", "ni", "nu", "nin", "nun",
            "yla", "yle", "ile", "larla", "lerle",
            "da", "de", "ta", "te", "dan", "den", "tan", "ten", "ndan", "nden", "nda", "nde",
            "daki", "deki", "taki", "teki",
            "siz", "suz", "ca", "ce", "lik", "luk",
            "dir", "dur", "tir", "tur",
            "mak", "mek", "ma", "me", "mamak", "memek", "maz", "mez", "amaz", "emez",
            "iyor", "uyor", "yor", "iyorum", "uyorum", "iyoruz", "uyoruz", "iyorsunuz",
            "iyo", "uyo",
            "abilir", "ebilir", "abilirim", "ebilirim", "abiliriz", "ebiliriz",
            "acak", "ecek", "acagim", "ecegim",
            "ilir", "ulur", "inir", "unur",
            "irim", "urum", "erim", "arim", "iriz", "uruz", "eriz", "ariz",
            "di", "du", "dik", "duk", "mis", "mus", "mistir", "mustur",
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip
# A question particle written together with its verb ("veriliyomu") is cut only from long words.
_TR_PARTICLES = (
    "miyim", "miyiz", "misiniz", "musunuz", "misin", "musun", "midir", "mudur", "mi", "mu",
)  # fmt: skip
_VOWELS = frozenset("aeiou")
# "-lik" makes a new word ("verimlilik") but after a vowel it is the "-ship" of a noun ("üyelik").
_AFTER_VOWEL = frozenset({"lik", "luk"})
# Roots that lose a vowel or soften before a suffix ("kayıt" -> "kaydı", "fikir" -> "fikri"), as
# (start, root, vowels that may follow in harmony): "fıkra" must not become "fikir".
_TR_ROOTS = (
    ("kaydol", "kayit", ""),
    ("kaydet", "kayit", ""),
    ("kayded", "kayit", ""),
    ("kayd", "kayit", "ia"),
    ("fikr", "fikir", "ie"),
    ("ism", "isim", "ie"),
    ("sehr", "sehir", "ie"),
    ("akl", "akil", "ia"),
    ("resm", "resim", "ie"),
)
# Stems not cut further although they end like a suffix: "veri" (data) must not become "ver" (give).
_TR_KEEP = frozenset({"veri", "kayit", "uye", "bilgi", "belge", "proje", "firma", "kobi"})
_MIN_STEM = 3


def _has_vowel(word: str) -> bool:
    return any(char in _VOWELS for char in word)


@lru_cache(maxsize=65536)
def stem_tr(word: str) -> str:
    """Strip Turkish suffixes from a folded word ("egitimlere" -> "egit", "destegi" -> "destek")."""
    if len(word) <= _MIN_STEM or not word.isalpha() or not word.isascii():
        return word
    stem = word
    for start, root, vowels in _TR_ROOTS:
        rest = stem[len(start) :]
        if stem.startswith(start) and (not vowels or (rest and rest[0] in vowels)):
            return root  # the shortened root only occurs before a suffix
    for particle in _TR_PARTICLES:
        if stem.endswith(particle) and len(stem) - len(particle) >= 6:
            stem = stem[: -len(particle)]
            break
    for _ in range(5):
        if stem in _TR_KEEP:
            break
        for suffix in _TR_SUFFIXES:
            rest = stem[: -len(suffix)]
            if suffix in _AFTER_VOWEL and not rest.endswith(tuple(_VOWELS)):
                continue
            if stem.endswith(suffix) and len(rest) >= _MIN_STEM and _has_vowel(rest):
                # A final k softens to ğ before a vowel ("destek" -> "desteği"): undo it.
                if suffix[0] in _VOWELS and len(rest) >= 4 and rest[-1] in "gb":
                    rest = rest[:-1] + ("k" if rest[-1] == "g" else "p")
                stem = rest
                break
        else:
            break
    return stem


_EN_SUFFIXES = (
    "ational", "ations", "ation", "ions", "ion", "ments", "ment", "ships", "ship", "ings", "ing",
    "ness", "ers", "er", "ies", "ied", "ed", "es", "s", "e",
)  # fmt: skip


@lru_cache(maxsize=65536)
def stem_en(word: str) -> str:
    """Strip common English endings ("trainings" -> "train", "registration" -> "registr")."""
    if len(word) <= _MIN_STEM or not word.isalpha() or not word.isascii():
        return word
    stem = word
    for _ in range(2):
        for suffix in _EN_SUFFIXES:
            rest = stem[: -len(suffix)]
            if not stem.endswith(suffix) or len(rest) < _MIN_STEM or not _has_vowel(rest):
                continue
            if suffix in ("ies", "ied"):
                rest += "y"
            elif suffix == "s" and rest.endswith(("s", "u", "i")):
                continue  # "class", "status", "analysis" are not plurals
            if len(rest) > 3 and rest[-1] == rest[-2] and rest[-1] not in "lsaeiou":
                rest = rest[:-1]  # "planned" -> "plan"
            stem = rest
            break
        else:
            break
    if stem.endswith("y") and len(stem) > 4:
        stem = stem[:-1] + "i"  # "apply" meets "application", "company" "companies"
    return stem


def stem(word: str, language: str) -> str:
    """Stem a folded word with the rules of a language ("tr" or "en")."""
    return stem_en(word) if language == "en" else stem_tr(word)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no topic. Folded forms, with the usual inflections and chat spellings.
STOP_WORDS_TR = _words(
    """
    ve veya ile ya yada yahut yoksa ama fakat ancak ki de da mi mu misin misiniz miyim miyiz musun
    musunuz muyum muyuz mudur midir misiniz bir bi biri birkac bu o ben sen biz siz onlar bana sana
    ona bize size onlara beni seni bizi sizi benim senin onun bizim sizin onlarin bende bizde sizde
    icin gibi diye uzere cok daha en her hic tum butun sadece bile zaten hem yani simdi herhangi
    bazi baska ayni sey seyler bisey birsey birseyler ne neler nelerdir demek demektir acaba
    lutfen merhaba merhabalar selam selamlar slm mrb iyi gunler gunaydin iyiaksamlar tesekkur
    tesekkurler tesekkurederim tsk tskler sagol sagolun hocam abi abla kardesim kanka rica ederim
    edelim edin etmek et eder ederiz edebilir edebilirim olur olmak ol olsun oluyor olabilir
    olabiliriz olabilirim olacak var varmi yok mumkun lazim gerek gerekiyor gerekir gereken
    istiyorum istiyoruz istiyom isterim isteriz istesem istersek yapmak yapilir yapilmasi yapiliyor
    yapabilir yapabilirim yapabiliriz yapiyor yapmam yapmamiz hakkinda konusunda ilgili ise eger
    """
)
STOP_WORDS_EN = _words(
    """
    a an the are am was were be been being do does did doing i me my mine we us our ours you your
    yours it its they them their this that these those there here to of in on at for from
    with by about as into over and or but if so than then too very just also any some all each
    every not no don doesn didn isn aren can could would should will shall may might must please hi
    hello hey thanks thank tell let have has had having anything something someone anyone other
    others another same such own only again still yet already ever now im ive id youre whats hows
    dont cant cannot wont pls plz ok okay
    """
)
# Folded forms that are words in Turkish ("iş") but stop words in English: dropped only from
# English text.
STOP_WORDS_EN_ONLY = frozenset({"is"})
STOP_WORDS = STOP_WORDS_TR | STOP_WORDS_EN

# Question and generic words: kept, because "who"/"when"/"nasıl" tell questions apart, but weighted
# low so that they never outweigh the words that carry the topic.
_QUESTION_WORDS = """
    nasil nasi nsl nasildir nedir kim kimler kime kimden kimin nerede nereye nereden neden niye
    nicin hangi hangisi kac kacta kadar zaman zamana bilgi bilgiler bilgisi yardim soyle soyler
    soyleyin
    how what who whom whose where when which why much many info information need want know like
    help get gets got give given send sent find found see go come make use receive become became
    becoming take takes took put keep say
    iki uc dort bes alti yedi sekiz dokuz one two three four five six seven eight nine
"""
# Everyday Turkish verbs (get, give, send, find, write, come...) say what to do, rarely what about:
# their usual forms are weak too. Roots in folded form; the endings over-generate harmlessly.
_GENERIC_VERBS = "al ver gonder bul yaz gel gor bil ogren yap ol et kullan bak cik sor anlat iste"
_VERB_FORMS = """
    mak mek ir ur er ar irim urum erim arim iriz uruz eriz ariz iyor uyor iyorum uyorum iyoruz
    uyoruz iyorsun iyorsunuz uyorsunuz iyom uyom abilir ebilir abilirim ebilirim abiliriz ebiliriz
    acak ecek acagim ecegim acagiz ecegiz cem cam icem icam dim dik di din tim tik ti amadim emedim
    mali meli maliyim meliyim maliyiz meliyiz malisin melisin
    amiyorum emiyorum amiyoruz emiyoruz in un sin siniz alim elim il ilir iliyor ilecek ilcek ilen
    inir
"""
WEAK_WORDS = _words(_QUESTION_WORDS) | frozenset(
    root + ending for root in _GENERIC_VERBS.split() for ending in ["", *_VERB_FORMS.split()]
)

# Words that ask when something happens: a hint that the person looks for an event.
WHEN_WORDS = frozenset({"zaman", "when", "tarih", "tarihi", "tarihleri", "date", "dates"})

_TR_MARKERS = STOP_WORDS_TR - STOP_WORDS_EN
_EN_MARKERS = (STOP_WORDS_EN | STOP_WORDS_EN_ONLY) - STOP_WORDS_TR


def guess_language(text: str, tokens: Iterable[str], hint: str | None = None) -> str:
    """Guess whether a question is Turkish or English from its letters and function words."""
    if has_turkish_letters(text):
        return "tr"
    turkish = english = 0
    for token in tokens:
        turkish += token in _TR_MARKERS
        english += token in _EN_MARKERS
    if english > turkish:
        return "en"
    if turkish > english:
        return "tr"
    return hint if hint in ("tr", "en") else "tr"


# Endings only Turkish verbs have (present, future, ability, infinitive, past, "-cem" future).
_VERB_ENDINGS_TR = (
    "yor", "yorum", "yoruz", "yorlar", "yorsunuz", "iyo", "uyo", "acak", "ecek", "acagim", "ecegim",
    "acaklar", "ecekler", "abilir", "ebilir", "abilirim", "ebilirim", "abiliriz", "ebiliriz",
    "amaz", "emez", "mak", "mek", "mali", "meli", "ilir", "inir", "ulur", "unur", "cem", "cam",
    "dim", "tim", "dum", "tum", "dik", "tik", "duk", "tuk", "madim", "medim", "madi", "medi",
    "ladi", "ledi", "ldi", "ndi", "rdi",
)  # fmt: skip


def looks_like_verb(token: str) -> bool:
    """Return whether a folded Turkish word has a verb ending ("belirleniyor", "gidecek")."""
    return len(token) > 5 and token.endswith(_VERB_ENDINGS_TR)


def is_stop(token: str, language: str) -> bool:
    """Return whether a folded token carries no topic in a text of this language."""
    if token in STOP_WORDS or len(token) < 2 or token.isdigit():
        return True
    return language == "en" and token in STOP_WORDS_EN_ONLY


def normalise_question(text: str) -> str:
    """Fold a question to the plain words it is counted by ("ÜCRETLİ mi?" -> "ucretli mi")."""
    return " ".join(tokenize(text))
