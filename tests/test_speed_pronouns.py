"""The fast paths of MT201-MT204 give exactly what the plain code gave: partial
token windows, sentence bounds found near the pronoun instead of the document's
sentence list, whole-token lookups instead of the document's token counts, the
memo of MT202 results, and the scans in front of the regexes they stand for."""
from __future__ import annotations

import bisect
import random
from pathlib import Path

import pytest

from cleaner.document import Document
from cleaner.engine import make_context, rules_for
from cleaner.rules import possessive as poss
from cleaner.rules import pronoun_grammar as g
from cleaner.rules import pronouns as pron
from cleaner.settings import Settings

from corpus_texts import annotated_texts  # noqa: E402  (tests/ is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_0d79818c9da73b44.txt"
CODES = ("MT201", "MT202", "MT203", "MT204")

TRICKY = [
    "Kremlin spokesman Dmitry Peskov he said that talks would resume. The clubs president, "
    "Aurelio Vitale, he told reporters. The text, which it must now pass, goes on.",
    "Mr. Smith, the U.S. envoy, he said. In 1990, after the war, he left; the new rules, they "
    "will take effect. At 10:30 the board, it foresees cuts. 1990–95, they rose.",
    "The farmers\u2019 union, “quoted, words” he said. (The board, its members) they met!\n\n"
    "Next paragraph: e.g. the men they fought… Really? Yes. St. Paul he wrote\ta lot.",
    "The police they detained 23 people. Demonstrators they blocked the road, the police said.\n"
    "whose decision to try it met with little success. Brazils central bank cut rates.",
    "The conditions for negotiations I am pretty much as they were. According to him Nicholas Lokker, "
    "the Russians conditions are clear. Peskovs comments were noted; Peskov spoke.",
    "A keen sportsman, he ran.  Teachers unions they said.\u00a0The  children  they  play.\r\n"
    "ABC. DEF, GHI, it is. x,he said. \u2014 the men, they, it is true, left.",
]


def _texts() -> list[str]:
    out = list(TRICKY)
    if SEED.exists():
        out.append(SEED.read_text("utf-8"))
    out += annotated_texts()
    # the tricky texts cut and joined at random places, with pronouns put in
    rng = random.Random(5)
    joined = "\n".join(TRICKY)
    for _ in range(40):
        a = rng.randrange(len(joined))
        t = joined[a:a + rng.randrange(50, 600)]
        for _ in range(rng.randrange(6)):
            i = rng.randrange(len(t) + 1)
            t = t[:i] + rng.choice([" he ", " they ", ", it ", " which it ", "s ", ";", ":", "\n", "  "]) + t[i:]
        out.append(t)
    return out


TEXTS = _texts()


def _check(doc: Document) -> list[str]:
    settings = Settings(select=CODES)
    ctx = make_context(settings)
    out = []
    for rule in rules_for(settings):
        ctx.facts = {}
        out += [repr(f) for f in rule.check(doc, ctx)]
    return out


def test_findings_do_not_depend_on_the_document_indexes_built_already():
    # the rules build no document-wide index themselves; when another rule has built
    # the sentence list or the token counts, they use those: the same findings
    for text in TEXTS:
        lazy = _check(Document(text))
        built = Document(text)
        built.sentences
        built.token_counts
        assert _check(built) == lazy, text[:80]


def _generated(n: int) -> list[str]:
    """Sentences built around the constructions MT202 looks at (and near misses)."""
    rng = random.Random(n)
    subjects = ["The clubs president", "Kremlin spokesman Dmitry Peskov", "The police", "The new rules",
                "Demonstrators", "the ministers of the region", "Most of the blazes", "A keen sportsman",
                "In 1990", "When the war ended", "Mr. Speaker", "Its leaders", "whose decision to try",
                "The largest city in the state", "Born in Ohio", "Residents of Almería", "the company"]
    inserted = ["Aurelio Vitale", "38", "a 24-year-old Brazilian", "who was elected in May", "however",
                "(the former minister)", "1,000", "the chairman", "“quoted words”", "10:30"]
    verbs = ["said", "told reporters", "will take effect next year", "detained 23 people", "is about twice the size",
             "had demanded a new vote", "met with little success", "was interested in", "blocked the road",
             "owns the company", "went home", "would require great virtue to withstand", "are"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 5)):
            s = rng.choice(["", "Yesterday, ", "He said that ", "In Rome; ", "— "]) + rng.choice(subjects)
            r = rng.random()
            if r < 0.4:
                s += "".join(", " + rng.choice(inserted) for _ in range(rng.randint(1, 2))) + ","
            elif r < 0.55:
                s += ","
            elif r < 0.7:
                s += " " + rng.choice(["which", "who", "that", ", which", "whose votes"])
            s += " " + rng.choice(["he", "she", "it", "they"]) + rng.choice([" ", "  ", "\t"]) + rng.choice(verbs)
            parts.append(s + rng.choice([".", ", he said.", "!", "…", "; the vote is due.", "\n\nNext."]))
        out.append(rng.choice([" ", "\n"]).join(parts))
    return out


def _plain_mt202(doc: Document, rule, lex) -> list[tuple]:
    """MT202 as a plain loop: every _PRON_RE match, the prefilter, the whole windows
    from the document's sentences, the evidence after, then `_judge`."""
    text = doc.masked
    S = g.sets()
    out = []
    for m in pron._PRON_RE.finditer(text):
        p, pn = m.start(), m.group(1)
        b = p - 1
        while b >= 0 and text[b] in " \t":
            b -= 1
        if b < 0 or b == p - 1:
            continue
        c = text[b]
        if c != ",":
            if not c.isalnum():
                continue
            w0 = b
            while w0 > 0 and (text[w0 - 1].isalnum() or text[w0 - 1] in "’'-"):
                w0 -= 1
            prev = text[w0:b + 1]
            lw = prev.lower()
            if lw in ("who", "which"):
                pass
            elif lw in S.function or lw in S.time:
                continue
            elif prev[0].islower():
                if lw in S.say or g.looks_past(lw) or lw.endswith("ing"):
                    continue
                if text.rfind("whose", max(0, p - 250), p) < 0 and pn in ("he", "she"):
                    continue
        s0, s1 = _sentence_of(doc, p)
        if s0 > p:
            continue
        after = g.tokenize(text, m.end(), min(s1, m.end() + 150))
        ev = pron._Evidence(after, 0, lex, pn)
        if not ev.ok or ev.parenthetical or ev.contraction:
            continue
        before = g.tokenize(text, max(s0, p - 300), p)
        if not before:
            continue
        found = rule._judge(before, after, ev, pn, p, m.end(), b + 1 - len(before[-1].text), lex, S)
        if found is not None:
            out.append(found)
    return out


def test_mt202_decides_as_the_plain_loop():
    settings = Settings(select=("MT202",))
    rule = rules_for(settings)[0]
    ctx = make_context(settings)
    n = 0
    for text in TEXTS + _generated(400):
        doc = Document(text)
        ctx.facts = {}
        fast = [(f.start, f.message, f.confidence) for f in rule.check(doc, ctx)]
        plain = [(start, message, conf) for start, message, conf, _ in _plain_mt202(Document(text), rule, ctx.lexicon)]
        assert fast == plain, text[:120]
        n += len(plain)
    assert n > 100                                      # (the texts have calques to find)


def test_memoised_results_are_the_results(monkeypatch):
    shifted = ["Some words first. " + t for t in TEXTS]
    with monkeypatch.context() as m:
        m.setattr(pron, "_remember", lambda key, value: None)        # no memo
        pron._MEMO.clear()
        expected = [_check(Document(t)) for t in TEXTS + shifted]
    pron._MEMO.clear()
    first = [_check(Document(t)) for t in TEXTS]
    assert len(pron._MEMO) > 0
    again = [_check(Document(t)) for t in TEXTS + shifted]        # from the memo, moved
    assert first + again[len(TEXTS):] == expected and again[:len(TEXTS)] == first
    pron._MEMO.clear()


def _sentence_of(doc: Document, pos: int) -> tuple[int, int]:
    sents = doc.sentences
    i = bisect.bisect_right([s for s, _ in sents], pos) - 1
    return sents[i] if i >= 0 else (0, len(doc.masked))


def test_sentence_bounds_near_a_word_are_the_documents():
    rng = random.Random(3)
    for text in TEXTS:
        whole = Document(text)
        doc = Document(text)
        ctx = make_context(Settings())
        masked = whole.masked
        positions = [i for i, c in enumerate(masked) if c.isalnum()]
        for pos in rng.sample(positions, min(len(positions), 200)):
            s0, s1 = _sentence_of(whole, pos)
            for lo_limit, hi_limit in ((max(0, pos - 300), pos + 150), (max(0, pos - 7), pos + 3), (0, len(masked))):
                assert pron._window_lo(doc, ctx, pos, lo_limit) == max(s0, lo_limit), (text[:60], pos)
                assert pron._window_hi(doc, ctx, pos, min(len(masked), hi_limit)) == min(s1, hi_limit), (text[:60], pos)
        assert "sentences" not in doc.__dict__           # found without the document's list


_PIECES = ["word", "He", "Mr.", "U.S.", "e.g.", " ", " ", " ", "\n", "\n\n", ". ", "! ", "? ", "… ", ".” ", ".) ",
           "“quoted text.”", "‘q’", "(", ")", ",", ";", ":", "—", "–", "10:30", "1,000", "3rd", "it’s", "boss’ ",
           "Jones’", "x-y", "A.", "Dr. Smith", "etc.", "\t", "St.", "Prof", ".\n", "\r\n", "https://x.y/z. ",
           "@handle", "Ünal", "ñ", "é", "²", "'", "’s", "-", "--", "1990–95", "No. 5", "vs."]


def test_sentence_bounds_and_tokens_in_odd_strings():
    rng = random.Random(8)
    for _ in range(300):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40)))
        whole, doc = Document(text), Document(text)
        ctx = make_context(Settings())
        masked = whole.masked
        for pos, c in enumerate(masked):
            if c.isalnum():
                s0, s1 = _sentence_of(whole, pos)
                for lo_limit, hi_limit in ((max(0, pos - 300), pos + 150), (max(0, pos - 5), pos + 4)):
                    assert pron._window_lo(doc, ctx, pos, lo_limit) == max(s0, lo_limit), (text, pos)
                    assert pron._window_hi(doc, ctx, pos, min(len(masked), hi_limit)) == min(s1, hi_limit), (text, pos)
        for _ in range(5):
            a = rng.randrange(len(masked) + 1)
            b = rng.randrange(a, len(masked) + 1)
            whole_tokens = g._TOKEN.findall(masked, a, b)
            assert [t.text for t in g.tokenize(masked, a, b)] == whole_tokens
            first = [t.text for t in g.first_tokens(masked, a, b) if t is not g.EDGE]
            assert first == whole_tokens[:len(first)]
        words = set(whole.standalone_words)
        for w in words | {w[:-1] for w in words if len(w) > 1} | {"He", "word", "Mr", "S"}:
            assert poss._stands_alone(masked, w) == (w in words), (text, w)


def test_clear_ranges_hold_no_sentence_or_paragraph_boundary():
    for text in TEXTS:
        doc = Document(text)
        masked = doc.masked
        starts = {s for s, _ in doc.sentences} | {lo for lo, _ in doc.paragraphs}
        ends = {e for _, e in doc.sentences}
        for a in range(len(masked)):
            if a and masked[a - 1] != " ":
                continue                # (`_clear` is asked from just after a blank, a mark or a comma)
            for c in (a + 5, a + 40):
                if c <= len(masked) and pron._clear(masked, text, a, c):
                    # no sentence starts in it (but after blanks only) and none ends in it
                    assert not any(a < s <= c and masked[a:s].strip() for s in starts), (text[:60], a, c)
                    assert not any(a <= e < c and masked[e:c].strip() for e in ends), (text[:60], a, c)


def test_token_windows_are_exact():
    rng = random.Random(4)
    for text in TEXTS:
        masked = Document(text).masked
        n = len(masked)
        for _ in range(60):
            a = rng.randrange(n + 1)
            b = rng.randrange(a, n + 1)
            whole = g._TOKEN.findall(masked, a, b)
            assert [t.text for t in g.tokenize(masked, a, b)] == whole
            head = g.tokenize_head(masked, a, b, rng.randrange(1, 60))
            real = [t.text for t in head if t is not g.EDGE]
            assert real == whole[:len(real)] and (head[-1:] == [g.EDGE] or real == whole)
            tail = g.tokenize_tail(masked, a, b, rng.randrange(1, 80))
            real = [t.text for t in tail if t is not g.EDGE]
            assert real == whole[len(whole) - len(real):] and (tail[:1] == [g.EDGE] or real == whole)
            first = g.first_tokens(masked, a, b)
            real = [t.text for t in first if t is not g.EDGE]
            assert real == whole[:len(real)] and (first[-1:] == [g.EDGE] or real == whole)


def test_token_fields():
    for text in ("Hello, “x” 12 3rd Éclair ½ \u0301a Mr. U.S. it’s boss’ e-mail", "\ue000\ue000 — ;"):
        for t in g.tokenize(text, 0, len(text)):
            c = t.text[0]
            kind = "q" if c == "\ue000" else "w" if c.isalpha() else "n" if c.isdigit() else "p"
            assert (t.kind, t.low, t.cap) == (kind, t.text.lower(), kind == "w" and c.isupper())


def test_edge_raises_short():
    with pytest.raises(g.Short):
        g.EDGE.kind


def test_last_mark_and_pronoun_scan():
    rng = random.Random(6)
    alphabet = list("ab;:—–\ue000 ,xhestiy\t")
    for _ in range(20000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randrange(16)))
        lo = rng.randrange(len(t) + 1)
        hi = rng.randrange(lo, len(t) + 1)
        assert pron._last_mark(t, lo, hi) == max(t.rfind(c, lo, hi) for c in ";:—–\ue000")
    for text in TEXTS:
        masked = Document(text).masked
        scan = pron._PRON_SCAN_TAB if "\t" in masked else pron._PRON_SCAN
        hits = {h.start() + 1 for h in scan.finditer(masked)}
        wanted = {m.start() for m in pron._PRON_RE.finditer(masked) if m.start() and masked[m.start() - 1] in " \t"}
        assert wanted <= hits                            # every candidate the prefilter can pass


def test_whole_token_lookup_is_the_documents():
    rng = random.Random(7)
    for text in TEXTS:
        doc = Document(text)
        words = set(doc.standalone_words)
        probes = set(words)
        for w in list(words)[:50]:
            probes |= {w[:-1], w[1:], w + "s", w.upper(), w.capitalize()}
        for probe in probes:
            if probe:
                assert poss._stands_alone(doc.masked, probe) == (probe in words), (text[:60], probe)
        masked = doc.masked
        for _ in range(200):
            lo = rng.randrange(len(masked) + 1)
            end = rng.randrange(lo, len(masked) + 1)
            m = poss._PREV_WORD.search(masked, lo, end)
            assert poss._prev_word(masked, lo, end) == (m.group(1) if m else "")


def test_pair_scans_find_every_pair_in_odd_strings():
    rng = random.Random(9)
    alphabet = ["A", "B", "É", "a", "b", "é", "s", "s", "s", " ", " ", "\t", "-", "’", "'", "1", "²", ".",
                "\ue000", "x", " president", " board", "s union", "s unions"]
    for _ in range(20000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        assert list(poss._candidates(t)) == _plain_candidates(t), t


def _plain_candidates(text: str) -> list[tuple]:
    """The candidate pairs of MT204 from the patterns' own ``finditer``."""
    out = [m.span(1) + m.span(2) for m in poss._CAND_CAP.finditer(text)]
    for m in poss._cand_low().finditer(text):
        s1 = m.start()
        while s1 > 0 and (text[s1 - 1].isalpha() or text[s1 - 1] == "-"):
            s1 -= 1
        if not (s1 > 0 and text[s1 - 1] in "’'" or not text[s1].islower()):
            out.append((s1, m.start() + 1) + m.span(1))
    return out


def test_pair_scans_find_every_pair():
    texts = TEXTS + [t.replace("the", "The Peskovs") for t in TEXTS] + ["the teachers unions president said"]
    for text in texts:
        masked = Document(text).masked
        assert list(poss._candidates(masked)) == _plain_candidates(masked)
