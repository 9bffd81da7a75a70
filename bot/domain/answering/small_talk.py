"""Small talk: greetings, thanks, goodbyes and questions about the assistant itself, TR and EN.

A message is small talk only when every word of it is a small-talk phrase or a filler word:
"merhaba" is a greeting, "merhaba, eğitimler ücretli mi?" is a question about trainings. Such
messages get a short friendly reply and are never logged as questions the FAQ is missing.
"""

from __future__ import annotations

from typing import Literal

from rapidfuzz import fuzz

from bot.domain.answering.normalise import STOP_WORDS, tokenize

SmallTalk = Literal[
    "greeting", "thanks", "ack", "goodbye", "identity", "abilities", "bot", "insult"
]

# When a message mixes kinds ("merhaba, kimsin?"), the one that asks the most wins.
_PRIORITY: tuple[SmallTalk, ...] = (
    "insult",
    "bot",
    "identity",
    "abilities",
    "thanks",
    "goodbye",
    "greeting",
    "ack",
)

# Phrases in folded form (no Turkish letters, lower case), as people type them.
_PHRASES: dict[SmallTalk, str] = {
    "greeting": """
        merhaba; merhabalar; mrb; mrhb; meraba; slm; selam; selamlar; sa; selamun aleykum;
        selamunaleykum; selamin aleykum; aleykum selam; as; gunaydin; gunaydinlar; tunaydin;
        iyi gunler; iyi aksamlar; iyi calismalar; kolay gelsin; hayirli gunler; hayirli isler;
        nasilsin; nasilsiniz; naber; ne haber; napiyorsun; naptin; hello; hi; hey; hiya; howdy;
        good morning; good afternoon; good evening; how are you; how are you doing; whats up;
        what s up; sup; greetings
    """,
    "thanks": """
        tesekkurler; tesekkur ederim; tesekkur ederiz; tesekkurederim; tesekkur; tsk; tskler;
        tsk ederim; tskr; sagol; sagolun; sag ol; sag olun; sagolasin; eyvallah; mersi;
        eline saglik; elinize saglik; allah razi olsun; thanks; thank you; thank u; thankyou;
        thx; thnx; ty; cheers; many thanks; much appreciated; appreciated
    """,
    "ack": """
        tamam; tamamdir; tmm; peki; ok; okay; okey; oki; anladim; anlasildi; super; harika; guzel;
        cok guzel; mukemmel; great; cool; nice; perfect; got it; understood; alright; fine
    """,
    "goodbye": """
        gorusuruz; gorusmek uzere; hosca kal; hosca kalin; hoscakal; hoscakalin; bye; bye bye;
        bb; goodbye; good bye; see you; see you later; see ya; iyi geceler; good night; gule gule
    """,
    "identity": """
        kimsin; kimsiniz; sen kimsin; siz kimsiniz; nesin; adin ne; ismin ne; senin adin ne;
        kendini tanit; kendinizi tanitin; who are you; who is this; what are you; whats your name;
        what is your name; your name; introduce yourself
    """,
    "abilities": """
        neler yapabilirsin; ne yapabilirsin; neler yaparsin; ne yaparsin; ne ise yariyorsun;
        ne ise yararsin; neler yapiyorsun; ne yapiyorsun; nasil yardimci olabilirsin;
        bana nasil yardimci olabilirsin; neler sorabilirim; ne sorabilirim; yardim; yardim et;
        what can you do; what do you do; how can you help; how can you help me; what can i ask;
        help; help me
    """,
    "bot": """
        bot; bot musun; robot; robot musun; insan misin; gercek misin; gercek biri mi;
        gercek kisi mi; gercek bir insan mi; yapay zeka; yapay zeka misin; chatgpt; are you a bot;
        are you a robot; are you human; are you a human; are you real; is this a bot; ai; human
    """,
    "insult": """
        aptal; aptalsin; salak; salaksin; gerizekali; gerzek; beyinsiz; ahmak; ise yaramaz;
        ise yaramazsin; berbat; berbatsin; sacma; sacmalama; stupid; idiot; dumb; useless;
        you suck; sucks; terrible; worst; rubbish
    """,
}


def _words(text: str) -> list[str]:
    return text.split()


# Words that may stand around small talk without making it a question.
_FILLER_WORDS = """
    hocam abi abla kardes kardesim dostum canim efendim bey hanim arkadaslar herkes herkese
    cok so much very really there dear friend everyone all again too ya yaa ha hmm sen siz
    yaziyor yazan konusuyorum konusuyor talking chatting speaking bu this
"""
_FILLERS = frozenset(_words(_FILLER_WORDS)) | STOP_WORDS
# Emoji people send as a whole message.
_EMOJI: dict[str, SmallTalk] = {"👍": "ack", "👌": "ack", "🙏": "thanks", "👋": "greeting"}
_MAX_WORDS = 8  # longer messages are questions
_FUZZY_MIN_LENGTH = 6
_FUZZY_MIN_RATIO = 85.0


def _phrase_table() -> dict[str, list[tuple[tuple[str, ...], SmallTalk]]]:
    table: dict[str, list[tuple[tuple[str, ...], SmallTalk]]] = {}
    for kind, text in _PHRASES.items():
        for phrase in text.split(";"):
            words = tuple(phrase.split())
            if words:
                table.setdefault(words[0], []).append((words, kind))
    for entries in table.values():
        entries.sort(key=lambda entry: -len(entry[0]))  # longest phrase first
    return table


_TABLE = _phrase_table()
_LONG_FIRST_WORDS = [word for word in _TABLE if len(word) >= _FUZZY_MIN_LENGTH]


def _same(word: str, expected: str) -> bool:
    """Return whether a typed word is the expected one, allowing a typo in long words."""
    if word == expected:
        return True
    return (
        len(expected) >= _FUZZY_MIN_LENGTH
        and abs(len(word) - len(expected)) <= 2
        and fuzz.ratio(word, expected) >= _FUZZY_MIN_RATIO
    )


def _candidates(word: str) -> list[tuple[tuple[str, ...], SmallTalk]]:
    found = list(_TABLE.get(word, ()))
    if len(word) >= _FUZZY_MIN_LENGTH - 1:
        for first in _LONG_FIRST_WORDS:
            if first != word and _same(word, first):
                found += _TABLE[first]
    found.sort(key=lambda entry: -len(entry[0]))
    return found


def recognise_small_talk(text: str) -> SmallTalk | None:
    """Return the kind of small talk a message is, or None when it asks something else."""
    words = tokenize(text)
    if not words:
        stripped = "".join(char for char in text if not char.isspace())
        kinds = {_EMOJI.get(char) for char in stripped if char not in "\ufe0f\u200d"}
        if len(kinds) == 1 and None not in kinds:
            return kinds.pop()
        return None
    if len(words) > _MAX_WORDS:
        return None
    found: set[SmallTalk] = set()
    position = 0
    while position < len(words):
        word = words[position]
        for phrase, kind in _candidates(word):
            end = position + len(phrase)
            if end <= len(words) and all(
                _same(typed, expected)
                for typed, expected in zip(words[position:end], phrase, strict=True)
            ):
                found.add(kind)
                position = end
                break
        else:
            if word not in _FILLERS:
                return None
            position += 1
    return next((kind for kind in _PRIORITY if kind in found), None)
