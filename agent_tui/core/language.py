"""Which language a customer writes in (English or Dutch), from their own words.

Small and pure: the desk uses it to offer quick replies in the conversation's language. It
counts common function words of each language; too few clues gives None (the caller then uses
the agent's UI language).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORDS = re.compile(r"[a-zà-ÿ']+")


def _clues(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that are common in one language and rare in the other ("is" is common in both).
CLUES = {
    "nl": _clues("""de het een ik mijn niet van en wat hoe waarom wanneer kan u uw je jij wij
        we ze zijn heb heeft hebben graag bedankt dank alvast goedemorgen goedemiddag hallo hoi
        met voor op naar maar ook nog geen al wel er dat dit deze die welke factuur storing
        verhuizing klant nummer alstublieft aub"""),
    "en": _clues("""the a an i my not of and what how why when can you your we they are have
        has please thanks thank hello hi good morning with for on to but also still no yes there
        that this these which invoice outage moving customer number"""),
}


def guess_language(texts: Iterable[str]) -> str | None:
    """``"nl"`` or ``"en"`` when the words of ``texts`` lean clearly one way, else None."""
    scores = {lang: 0 for lang in CLUES}
    for text in texts:
        for word in _WORDS.findall(str(text).lower()):
            for lang, clues in CLUES.items():
                if word in clues:
                    scores[lang] += 1
    (best, top), (_, second) = sorted(scores.items(), key=lambda kv: -kv[1])
    return best if top >= 2 and top > second else None
