"""Words of the knowledge base: tokens, stopwords and stems, in Dutch and English.

A word is what FTS5's ``unicode61 remove_diacritics 2`` tokenizer sees: a run of letters and
digits, lower-cased, with diacritics removed.  Stems are Snowball's for the article's language;
Dutch stems additionally have doubled vowels written single ("zonnepaneel" and "zonnepanelen"
both become ``zonnepanel``), which Snowball alone does not do.
"""

from __future__ import annotations

import re
import unicodedata

import snowballstemmer

LANGS = ("en", "nl")

# Words that carry no meaning for search.  Kept short and hand-picked (rather than a big list)
# so that domain words such as "bill", "move" or "stroom" are never dropped.
_STOPWORD_TEXT = """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing done down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    out over own please same she should so some such than thank thanks that the their theirs
    them then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself hi hello dear
    regards im ive dont cant doesnt didnt isnt wont get got also still yet since want need know
    aan al alle alles als alstublieft alsjeblieft altijd ander andere ben bij dag dan dank dat
    de der deze die dit doch doen door du een eens en er ergens geen geweest graag had heb hebben
    heeft hem het hier hij hoe hun ik in is ja je jij jou jouw jullie kan kon kunnen maar me meer
    men met mij mijn moet moeten na naar niet niets nog nu of om omdat ons onze ook op over
    reeds te tegen toch toen tot u uw uit van veel voor vooral wat we wel werd wie wij wil
    willen word worden wordt zal ze zelf zich zij zijn zo zonder zou zouden groet groeten
    beste hallo hoi goedemiddag goedemorgen goedenavond bedankt vriendelijke mvg gr even
    """
STOPWORDS: frozenset[str] = frozenset(_STOPWORD_TEXT.split())

WORD = re.compile(r"[^\W_]+")  # unicode61's notion of a token: runs of letters/digits
LETTER_WORD = re.compile(r"[^\W\d_]{2,}")  # words, not order numbers or postcodes

_STEMMERS = {"en": snowballstemmer.stemmer("english"), "nl": snowballstemmer.stemmer("dutch")}
_DOUBLE_VOWEL = re.compile(r"([aeou])\1")
_STEM_CACHE: dict[tuple[str, str], str] = {}
_STEM_CACHE_MAX = 200_000


def normalize(word: str) -> str:
    """Lower-case and strip diacritics the way ``unicode61 remove_diacritics 2`` does."""
    if word.isascii():
        return word.lower()  # the common case, and 20× cheaper than the Unicode path
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The normalised tokens of ``text``, as FTS5 would see them."""
    return [normalize(w) for w in WORD.findall(text)]


def has_stemmer(lang: str) -> bool:
    return lang in _STEMMERS


def stem(word: str, lang: str) -> str:
    """Snowball stem of an already normalised word (cached: vocabularies are small)."""
    key = (lang, word)
    cached = _STEM_CACHE.get(key)
    if cached is None:
        cached = _STEMMERS[lang].stemWord(word)
        if lang == "nl":
            # Snowball keeps the long vowel of some singulars but not of their plurals
            # ("zonnepaneel" vs "zonnepanelen" -> "zonnepanel"); writing every doubled vowel
            # single on both sides makes them meet.  Costs a little precision (maan/man) in the
            # low-weight stem columns only.
            cached = _DOUBLE_VOWEL.sub(r"\1", cached)
        if len(_STEM_CACHE) >= _STEM_CACHE_MAX:
            _STEM_CACHE.clear()
        _STEM_CACHE[key] = cached
    return cached


def stem_text(text: str, lang: str) -> str:
    """``text`` as a space-separated string of stems, for the shadow columns."""
    return " ".join(stem(w, lang) for w in words(text))
