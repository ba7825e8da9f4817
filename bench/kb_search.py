"""Knowledge-base search latency over a large generated KB (default 100,000 articles).

Builds a temporary SQLite database with the demo articles plus generated ones whose words are drawn
(Zipf-like) from the demo vocabulary of both languages, with extra Dutch compounds, then times a few
hundred representative searches (typed words, multi-word questions, search-as-you-type prefixes, and
suggestions from customer messages) and prints p50/p95/p99 with the machine it ran on.

``--engines`` also runs the same queries on the same articles through the engines that were
compared for issue 12 (see kb_engines.py): FTS5 ranking as it was (bm25 over every match), FTS5
with a title tier first, the same FTS5 SQL on a newer SQLite through ``apsw`` (if installed:
``pip install apsw``), and Tantivy, which ``KnowledgeBase`` uses; and checks each on the demo KB:
is the demo article first for each acceptance query?

    .venv/bin/python bench/kb_search.py [--articles 100000] [--queries 300] [--seed 1] [--engines]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import benchlib
import kb_engines

from agent_tui.center import demo_data, seed_demo
from agent_tui.center.kb import LANGS, STOPWORDS, KnowledgeBase
from agent_tui.center.kb.query import SearchQuery

QUERIES_FIXED = [
    "wachtwoord vergeten",
    "forgot password",
    "storing internet",
    "power outage",
    "verhuizen",
    "moving house",
    "factuur",
    "invoice",
    "facturen",
    "invoices",
    "modem lampjes",
    "wifi password",
    "betalingsregeling",
    "payment plan",
    "meterstand doorgeven",
    "slimme meter",
    "zonnepanelen",
    "solar panels feed-in",
    "opzeggen",
    "cancel contract",
    "glasvezel monteur",
    "fiber installation",
    "tv geen beeld",
    "no tv picture",
    "simkaart blokkeren",
    "lost phone",
    "klacht indienen",
    "complaint",
    "automatische incasso",
    "direct debit failed",
    "wacht",
    "verh",
    "fact",
    "inv",
    "how do I pay my bill",
    "internet werkt niet",
    '"modem" OR',
    "wacht*",
]

MESSAGES = [
    (
        "Goedemorgen, sinds vanochtend doet mijn internet het niet meer. Het lampje op het modem "
        "is oranje."
    ),
    "Hi, we are moving house next month and I want to take my energy contract along.",
    "Mijn factuur is veel hoger dan vorige maand, hoe kan dat?",
    "I forgot my password and the reset e-mail never arrives.",
    "Mijn telefoon is gestolen, kunnen jullie de simkaart blokkeren?",
    "The TV says no signal since the thunderstorm yesterday.",
]


TYPOS = [
    "wachtwoort vergeten",
    "invoise",
    "stroomstorign",
    "verhuzen",
    "pasword",
    "meterstnad",
    "zonnepanleen",
    "cancelation",
    "modme",
    "betalingsregling",
]


def machine() -> str:
    try:
        import Stemmer  # noqa: F401  (PyStemmer: snowballstemmer uses it when present)

        stem_impl = "PyStemmer (C)"
    except ImportError:
        stem_impl = "pure Python"
    return benchlib.machine(
        f"SQLite {sqlite3.sqlite_version}",
        f"snowballstemmer {importlib.metadata.version('snowballstemmer')} ({stem_impl})",
        f"tantivy {importlib.metadata.version('tantivy')}",
    )


def vocabulary(rng: random.Random) -> dict[str, list[str]]:
    """Words per language from the demo articles, plus generated Dutch compounds."""
    vocab: dict[str, list[str]] = {"en": [], "nl": []}
    counts: dict[str, dict[str, int]] = {"en": {}, "nl": {}}
    for a in demo_data.kb_articles():
        for w in re.findall(r"[^\W\d_]{2,}", a["title"] + " " + a["body"]):
            c = counts[a["lang"]]
            c[w.lower()] = c.get(w.lower(), 0) + 1
    for lang in ("en", "nl"):
        # most frequent first, so a Zipf weight by rank gives a natural text-like mix
        vocab[lang] = [w for w, _ in sorted(counts[lang].items(), key=lambda kv: -kv[1])]
    nouns = [w for w in vocab["nl"] if len(w) >= 5 and w not in STOPWORDS]
    compounds = {rng.choice(nouns) + rng.choice(nouns) for _ in range(4000)}
    vocab["nl"].extend(sorted(compounds))
    return vocab


def generate(n: int, vocab: dict[str, list[str]], rng: random.Random) -> list[dict]:
    weights = {
        lang: [1.0 / (i + 1) ** 0.9 for i in range(len(words))] for lang, words in vocab.items()
    }
    cum = {}
    for lang, ws in weights.items():
        total, acc = 0.0, []
        for w in ws:
            total += w
            acc.append(total)
        cum[lang] = acc
    out = []
    for i in range(n):
        lang = "en" if i % 2 == 0 else "nl"
        words = vocab[lang]
        title_words = rng.choices(words, cum_weights=cum[lang], k=rng.randint(3, 7))
        body_words = rng.choices(words, cum_weights=cum[lang], k=rng.randint(60, 160))
        body = []
        for j in range(0, len(body_words), 12):  # sentences of about 12 words
            chunk = body_words[j : j + 12]
            body.append(" ".join(chunk).capitalize() + ".")
        out.append(
            {
                "id": f"kb-{lang}-{100000 + i:06d}",
                "lang": lang,
                "title": " ".join(title_words).capitalize(),
                "body": " ".join(body),
                "tags": rng.sample(words[:300], 2),
                "reviewed_at": time.time() - rng.randint(0, 900) * 86400,
            }
        )
    return out


def queries(rng: random.Random, count: int) -> list[str]:
    arts = demo_data.kb_articles()
    qs = list(QUERIES_FIXED)
    while len(qs) < count:
        a = rng.choice(arts)
        words = [w for w in re.findall(r"[^\W\d_]{3,}", a["title"]) if w.lower() not in STOPWORDS]
        if not words:
            continue
        kind = rng.random()
        if kind < 0.5:
            qs.append(" ".join(rng.sample(words, min(len(words), rng.randint(1, 3)))))
        elif kind < 0.75:
            w = rng.choice(words)
            qs.append(w[: max(2, rng.randint(3, len(w)))])  # still typing
        else:
            body_words = [
                w for w in re.findall(r"[^\W\d_]{4,}", a["body"]) if w.lower() not in STOPWORDS
            ]
            qs.append(" ".join(rng.sample(body_words, min(len(body_words), 2))))
    return qs[:count]


pct = benchlib.pct


def kind(query: str) -> str:
    """A query's kind for the figures: still typing a short word, one word, or several."""
    sq = SearchQuery(query, LANGS)
    if sq.terms and sq.terms[-1] in sq.prefixes and len(sq.terms[-1]) < 5:
        return "prefix (typing)"
    return "one word" if len(sq.terms) <= 1 else "several words"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--engines", action="store_true", help="compare the engines (see kb_engines.py)")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    print(machine())
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        path = Path(tmp) / "kb.db"
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode=WAL")
        kb = KnowledgeBase(conn)
        t0 = time.perf_counter()
        seed_demo.seed_kb(conn)
        vocab = vocabulary(rng)
        generated = generate(max(0, args.articles - kb.count()), vocab, rng)
        t1 = time.perf_counter()
        for i in range(0, len(generated), 5000):
            kb.add_articles(generated[i : i + 5000])
        conn.execute("INSERT INTO kb_fts(kb_fts) VALUES('optimize')")
        conn.commit()
        t2 = time.perf_counter()
        kb.search("warm")  # the first search builds the Tantivy index from the article table
        t3 = time.perf_counter()
        total = kb.count()
        size_mb = path.stat().st_size / 1e6
        print(
            f"articles: {total:,} ({kb.count('en'):,} en, {kb.count('nl'):,} nl); vocabulary "
            f"{len(vocab['en']):,} en + {len(vocab['nl']):,} nl words; "
            f"generated in {t1 - t0:.1f} s, stored + FTS5-indexed in {t2 - t1:.1f} s "
            f"(database {size_mb:.0f} MB); Tantivy index built in {t3 - t2:.1f} s"
        )

        qs = queries(rng, args.queries)
        for q in qs[:20]:  # warm the page cache as a running center would be
            kb.search(q)
        lat: list[float] = []
        kinds: dict[str, list[float]] = {"one word": [], "several words": [], "prefix (typing)": []}
        empty = 0
        for q in qs:
            s = time.perf_counter()
            hits = kb.search(q, limit=10)
            lat.append((time.perf_counter() - s) * 1000)
            kinds[kind(q)].append(lat[-1])
            empty += not hits
        sug: list[float] = []
        for _ in range(5):
            for m in MESSAGES:
                s = time.perf_counter()
                kb.suggest(m)
                sug.append((time.perf_counter() - s) * 1000)
        langs: list[float] = []
        for q in qs[:100]:
            s = time.perf_counter()
            kb.search(q, limit=10, lang="nl")
            langs.append((time.perf_counter() - s) * 1000)
        dym: list[float] = []
        for _ in range(3):
            for q in TYPOS:
                s = time.perf_counter()
                kb.did_you_mean(q)
                dym.append((time.perf_counter() - s) * 1000)
        engine_lines = kb_engines.compare(path, conn, qs, MESSAGES) if args.engines else []
        conn.close()

    def line(name: str, v: list[float]) -> str:
        return (
            f"{name:<28} n={len(v):<4} p50 {statistics.median(v):7.2f} ms   "
            f"p95 {pct(v, 95):7.2f} ms   p99 {pct(v, 99):7.2f} ms   max {max(v):7.2f} ms"
        )

    print(line("kb.search (limit 10)", lat))
    for name, values in kinds.items():
        print(line(f"  of which {name}", values))
    print(line("kb.search lang=nl", langs))
    print(line("kb.suggest (message)", sug))
    print(line("kb.did_you_mean (typo)", dym))
    print(f"queries without hits: {empty} of {len(qs)}")
    for text in engine_lines:
        print(text)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
