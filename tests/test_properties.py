"""Property tests (hypothesis; derandomised when ``CI`` is set, see conftest.py).

1. Quoted speech is byte-identical after ``fix(text, unsafe=True)``, for every
   quotation style, with artifact-like content inside and outside.
2. Idempotence: fixing twice equals fixing once.
3. Locality: with one pass, the output differs from the input only inside the
   spans of ``FixResult.edits``.
4. Robustness: no exception on arbitrary Unicode for check and fix.
5. Round trip: gluing two words of a clean sentence, or inserting a stray
   period, makes the rule fire there, and the fix restores the original.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from dataclasses import dataclass, field

import pytest
from hypothesis import example, given, note, settings
from hypothesis import strategies as st

import cleaner
from cleaner.fixer import apply_edits
from cleaner.protect import Protection, Region, find_regions, quote_spans
from cleaner.rules import data as rule_data
from cleaner.types import Span

# ---------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------

#: artifact-like snippets: the damage the rules repair (glued words, stray periods, calques)
ARTIFACTS = [
    "civilian infrastructurekilling civilians",
    "Macronwho kept an open line",
    "according to Reutersalthough officials denied it",
    "nuclear weaponsas did Putin",
    "poorer regionsincluding Extremadura",
    "the Western world order. is headed for collapse",
    "this year. according to Reuters",
    "anytime soon. with Putin",
    "I am pretty much as they were",
    "he said",
    "Peskov he said Russia would engage",
    "the officialswho met on Monday",
    "in Brusselsalthough nothing changed",
    "the report. is expected soon",
]
#: ordinary prose, with apostrophes that must not be mistaken for quote marks
PLAIN = [
    "Macron met Biden",
    "the talks went on for hours",
    "back in the ’80s",
    "rock ’n’ roll",
    "at Fritz’ bar",
    "we don’t know",
    "’til dawn",
    "in the '80s",
    "don't ask",
    "rock 'n' roll",
    "the boys’ toys",
    "the U.S. economy grew",
    "e.g. apples and pears",
    "prices rose 3.5 percent",
]
APOSTROPHE_CHUNKS = {c for c in PLAIN if "’" in c or "'" in c}

#: opening mark, closing mark, and whether ‘…’ may be nested inside
STYLES = {
    "curly": ("“", "”"),
    "straight": ('"', '"'),
    "guillemets": ("«", "»"),
    "low-high": ("„", "“"),
    "single": ("‘", "’"),
}


@dataclass
class Built:
    """A generated text and, from construction, the exact spans of quoted speech."""

    parts: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    pos: int = 0

    def add(self, s: str, quoted: bool = False) -> None:
        if quoted:
            self.spans.append((self.pos, self.pos + len(s)))
        self.parts.append(s)
        self.pos += len(s)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def sentence(chunks: list[str]) -> str:
    s = " ".join(chunks)
    return s[:1].upper() + s[1:] + "."


chunk = st.sampled_from(ARTIFACTS + PLAIN)
no_apostrophe_chunk = st.sampled_from([c for c in ARTIFACTS + PLAIN if c not in APOSTROPHE_CHUNKS])


@st.composite
def speech(draw, allow_apostrophes: bool = True) -> str:
    """Quoted content: one to three sentences, non-blank at both ends."""
    source = chunk if allow_apostrophes else no_apostrophe_chunk
    sents = draw(st.lists(st.lists(source, min_size=1, max_size=3).map(sentence), min_size=1, max_size=3))
    text = " ".join(sents)
    if draw(st.booleans()):
        text = text[:-1] + ","        # "…,” he said."
    return text


@st.composite
def quoted_texts(draw) -> Built:
    """Paragraphs of narrative (with artifacts) and quotations of every style."""
    b = Built()
    n_paras = draw(st.integers(1, 4))
    for p in range(n_paras):
        if p:
            b.add(draw(st.sampled_from(["\n\n", "\n\n", "\n \n", "\r\n\r\n"])))
        kind = draw(st.sampled_from(["mixed", "mixed", "unclosed", "multi"]))
        if kind == "multi":
            # a multi-paragraph quotation: every paragraph reopens, only the last closes
            opening, closing = STYLES[draw(st.sampled_from(["curly", "straight", "guillemets", "low-high"]))]
            n = draw(st.integers(2, 3))
            for i in range(n):
                if i:
                    b.add("\n\n")
                b.add(opening)
                b.add(draw(speech()), quoted=True)
            b.add(closing + " " + draw(st.sampled_from(["he said.", "Biden said.", "I am told."])))
            continue
        elements = draw(st.lists(st.sampled_from(["narrative", "quote"]), min_size=1, max_size=5))
        for j, el in enumerate(elements):
            if j:
                b.add(" ")
            if el == "narrative":
                b.add(draw(st.lists(chunk, min_size=1, max_size=4).map(sentence)))
                continue
            style = draw(st.sampled_from(list(STYLES) + ["nested"]))
            if style == "nested":
                inner = draw(speech(allow_apostrophes=False))
                before = draw(st.lists(no_apostrophe_chunk, min_size=1, max_size=2))
                after = draw(st.lists(no_apostrophe_chunk, min_size=0, max_size=2))
                content = " ".join(before) + " ‘" + inner + "’" + (" " + " ".join(after) if after else "")
                b.add("“")
                b.add(content, quoted=True)
                b.add("”")
            else:
                opening, closing = STYLES[style]
                b.add(opening)
                b.add(draw(speech(allow_apostrophes=style != "single")), quoted=True)
                b.add(closing)
            b.add(draw(st.sampled_from(["", " he said.", ", he said.", " Biden said Thursday."])))
        if kind == "unclosed":
            opening = draw(st.sampled_from(["“", '"', "«", "„"]))
            b.add(" " + opening)
            b.add(draw(speech()), quoted=True)    # runs to the end of the paragraph
    return b


def appears_in_order(output: str, pieces: list[str]) -> bool:
    pos = 0
    for piece in pieces:
        i = output.find(piece, pos)
        if i < 0:
            return False
        pos = i + len(piece)
    return True


def edits_touch(spans: list[tuple[int, int]], edits) -> list:
    """The edits that change (or insert strictly inside) any of ``spans``."""
    prot = Protection([Region(s, e, "quote") for s, e in spans])
    return [e for e in edits if prot.overlaps(e.span)]


# ---------------------------------------------------------------------------------------------
# 1. Quoted speech is never changed
# ---------------------------------------------------------------------------------------------

@given(quoted_texts())
@example(Built(["He said “", "Macronwho kept. is it", "” today."],
               [(len("He said “"), len("He said “Macronwho kept. is it"))]))
def test_quoted_speech_is_byte_identical_after_fix(built: Built):
    text = built.text
    note(repr(text))
    # the protection finds exactly the quotations the generator wrote
    assert sorted(quote_spans(text)) == sorted(built.spans), [text[s:e] for s, e in quote_spans(text)]
    result = cleaner.fix(text, unsafe=True)
    # oracle: the quoted content, in order, survives verbatim
    assert appears_in_order(result.text, [text[s:e] for s, e in built.spans])
    assert appears_in_order(result.text, [text[s:e] for s, e in quote_spans(text)])
    # and no applied edit (in original coordinates) touches quoted speech
    assert not edits_touch(built.spans, result.edits)
    assert not result.refused
    # no finding reported inside quoted speech either
    prot = Protection([r for r in find_regions(text)])
    assert not any(prot.overlaps(f.span) for f in cleaner.check(text))


@pytest.mark.slow
@settings(max_examples=600)
@given(quoted_texts())
def test_quoted_speech_is_byte_identical_after_fix_many(built: Built):
    test_quoted_speech_is_byte_identical_after_fix.hypothesis.inner_test(built)


SHARED_CLEAN = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "clean"


@pytest.mark.slow
@pytest.mark.parametrize(("name", "limit"), [("news.txt", None), ("speeches.txt", 1_500_000),
                                             ("books.txt", 1_500_000)])
def test_real_prose_quotations_survive_fix(name: str, limit: int | None):
    """Real published prose, full of quotations: every protected region (quotes, URLs...)
    is byte-identical after fixing with unsafe fixes."""
    path = SHARED_CLEAN / name
    if not path.exists():
        pytest.skip(f"{path} not available")
    text = path.read_text(encoding="utf-8")
    if limit:
        text = text[:text.rfind("\n\n", 0, limit)]
    regions = Protection(find_regions(text)).spans
    assert len(regions) > 100
    result = cleaner.fix(text, unsafe=True)
    assert not edits_touch([(r.start, r.end) for r in regions], result.edits)
    assert appears_in_order(result.text, [text[r.start:r.end] for r in regions])
    assert not result.refused


def test_quoted_speech_property_is_not_vacuous():
    """The generator's artifacts are really fixed outside quotes (guards test 1)."""
    text = ("Macron met Biden. Macronwho kept an open line, the world order. is headed down. "
            "“Macronwho kept an open line, the world order. is headed down,” he said.")
    out = cleaner.fix(text, unsafe=True).text
    assert out == ("Macron met Biden. Macron, who kept an open line, the world order is headed down. "
                   "“Macronwho kept an open line, the world order. is headed down,” he said.")


# a quotation in arbitrary text: whatever the protection decides is speech stays intact
QUOTEY = st.lists(st.sampled_from(list("“”\"'‘’«»„ \n.,abIehiwso") + ["who", "which", "Macron", "order. is",
                                                                    "infrastructurekilling", "\n\n", " he said"]),
                  max_size=120).map("".join)


@given(QUOTEY)
def test_protected_regions_of_arbitrary_text_survive(text: str):
    regions = Protection(find_regions(text)).spans
    result = cleaner.fix(text, unsafe=True)
    assert appears_in_order(result.text, [text[s.start:s.end] for s in regions])
    assert not edits_touch([(s.start, s.end) for s in regions], result.edits)


# ---------------------------------------------------------------------------------------------
# 2. Idempotence
# ---------------------------------------------------------------------------------------------

prose = st.lists(chunk, min_size=1, max_size=12).map(sentence)
paragraphs_of_prose = st.lists(st.lists(prose, min_size=1, max_size=4).map(" ".join), min_size=1,
                               max_size=3).map("\n\n".join)


@given(st.one_of(paragraphs_of_prose, quoted_texts().map(lambda b: b.text), QUOTEY), st.booleans())
def test_fix_is_idempotent(text: str, unsafe: bool):
    once = cleaner.fix(text, unsafe=unsafe)
    assert once.converged
    twice = cleaner.fix(once.text, unsafe=unsafe)
    assert twice.text == once.text
    assert not twice.applied


# ---------------------------------------------------------------------------------------------
# 3. Locality
# ---------------------------------------------------------------------------------------------

def _slide(seq: str, lo: int, hi: int) -> tuple[int, int]:
    """How far a deletion of ``seq[lo:hi]`` (or an insertion of it, in the new text) can
    slide left and right and still describe the same change ("aXa" minus "Xa" == minus "aX")."""
    left = 0
    while lo - left - 1 >= 0 and seq[lo - left - 1] == seq[hi - left - 1]:
        left += 1
    right = 0
    while hi + right < len(seq) and seq[lo + right] == seq[hi + right]:
        right += 1
    return left, right


def diff_outside_edits(before: str, after: str, spans: list[Span]) -> list[str]:
    """difflib changes of ``before`` -> ``after`` that no edit span can explain.  A deletion
    or insertion inside repeated text is ambiguous, so it may slide to any equivalent place."""
    problems = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if tag == "delete":
            left, right = _slide(before, i1, i2)
        elif tag == "insert":
            left, right = _slide(after, j1, j2)
        else:
            left = right = 0
        ok = any(max(s.start - i1, -left) <= min(s.end - i2, right) for s in spans)
        if not ok:
            problems.append(f"{tag} {before[i1:i2]!r}->{after[j1:j2]!r} at {i1}..{i2}")
    return problems


@st.composite
def unrepeated_texts(draw) -> str:
    """Prose and quotations in which no snippet repeats: repeated text makes a diff
    ambiguous (which copy of a duplicated phrase was deleted?)."""
    chunks = draw(st.lists(chunk, min_size=1, max_size=20, unique=True))
    out = []
    while chunks:
        n = draw(st.integers(1, 4))
        sent, chunks = sentence(chunks[:n]), chunks[n:]
        style = draw(st.sampled_from([None, None, "curly", "straight", "guillemets"]))
        if style:
            o, c = STYLES[style]
            sent = o + sent + c + " he said."
        out.append(sent + draw(st.sampled_from([" ", " ", "\n\n"])))
    return "".join(out).rstrip()


@given(unrepeated_texts(), st.booleans())
@example("Macronwho kept an open line Macronwho kept an open line.", True)
def test_single_pass_changes_only_inside_edit_spans(text: str, unsafe: bool):
    """Exactly: the output is the input with the reported edits applied.  Independently
    (difflib): every changed stretch of the input lies inside a reported edit."""
    result = cleaner.fix(text, unsafe=unsafe, max_passes=1)
    edits = result.edits
    assert apply_edits(text, edits) == result.text
    spans = [e.span for e in edits]
    assert not diff_outside_edits(text, result.text, spans), spans


def test_diff_outside_edits_can_fail():
    assert diff_outside_edits("abc def", "abc xdef", [Span(0, 1)])
    assert not diff_outside_edits("abc def", "abc xdef", [Span(4, 4)])
    assert not diff_outside_edits("ab ab.", "ab.", [Span(2, 5)])      # slid deletion of a repeat
    assert diff_outside_edits("ab ab. cd", "ab. c", [Span(2, 5)])


# ---------------------------------------------------------------------------------------------
# 4. Robustness
# ---------------------------------------------------------------------------------------------

CONTROL = st.characters(codec=None, categories=["Cc", "Cf", "Zl", "Zp"])
COMBINING = st.characters(categories=["Mn", "Me", "Mc"])
weird_text = st.one_of(
    st.text(),
    st.text(alphabet=st.one_of(CONTROL, COMBINING, st.sampled_from(list(" .\n\r\t“”'\"aA"))), max_size=300),
    st.text(alphabet=st.characters(min_codepoint=0x41, max_codepoint=0x7A), min_size=1000, max_size=5000),
    st.builds(lambda a, b: a + "." * 50 + " " + b, st.text(max_size=50), st.text(max_size=50)),
    st.just(""),
)


@given(weird_text)
@example("")
@example("\x00\x01\x02")
@example("a" * 20000)
@example("e\u0301" * 500 + "who")
@example("“" * 100 + "”" * 3)
@example("\ufeffBOM. is here")
@example("word. is\u200b next")
@example("\ud7ff\ue000. a")
def test_check_and_fix_never_raise(text: str):
    for f in cleaner.check(text):
        assert 0 <= f.span.start <= f.span.end <= len(text)
        if f.fix is not None:
            assert all(0 <= e.span.start <= e.span.end <= len(text) for e in f.fix.edits)
    result = cleaner.fix(text, unsafe=True)
    assert isinstance(result.text, str)
    if not result.applied:
        assert result.text == text


# ---------------------------------------------------------------------------------------------
# 5. Round trip on clean sentences
# ---------------------------------------------------------------------------------------------

CLEAN = [
    "The minister, who took office in March, resigned on Friday.",
    "Officials met in Brussels, although no agreement was reached.",
    "The company reported higher profits, including a rise in overseas sales.",
    "Prices rose sharply last year, according to the statistics office.",
    "The bridge, which was built in 1932, will be closed for repairs.",
    "The storm hit the coast overnight, killing at least twelve people.",
    "Farmers protested outside parliament, saying the new rules were unfair.",
    "The government raised taxes on fuel, prompting protests across the country.",
    "The team lost the final, despite a strong start to the season.",
    "Her brother, whose company makes solar panels, attended the meeting.",
    "The report is expected to be published later this month.",
    "The museum will reopen in the spring with a new exhibition.",
    "Voters in the region are worried about rising energy costs.",
    "The ceasefire was agreed after weeks of negotiations between the two sides.",
    "Many residents have left the city since the fighting began.",
    "The new law was passed by a narrow margin in the senate.",
    "The authorities closed the airport because of heavy snow.",
    "Investors remained cautious ahead of the central bank meeting.",
    "The president spoke with reporters during a visit to the factory.",
    "The plan would cut emissions by half over the next decade.",
    "Teachers went on strike, demanding better pay and smaller classes.",
    "The river burst its banks, forcing hundreds of families from their homes.",
    "The singer, whose latest album topped the charts, cancelled the tour.",
    "The agency said the vaccine was safe and effective for older adults.",
    "Exports fell in the third quarter, while imports rose slightly.",
    "The mayor promised to build more houses for young families.",
    "The talks ended without a deal, leaving the future of the plant uncertain.",
    "Scientists warned that the glacier is melting faster than expected.",
    "The court ruled against the company, which plans to appeal.",
    "The festival attracted thousands of visitors from across the country.",
]

#: second words that open a clause: gluing the word before onto one of these is MT101's job
GLUE_OPENERS = {"who", "whose", "which", "although", "including", "according", "killing", "saying",
                "prompting", "despite", "while", "demanding", "forcing", "leaving"}

#: round-trip misses of today's rules, reported to the MT101/MT102 owner (precision/recall
#: choices of the rules, not bugs in the tests); xfail(strict=False) while the rules are tuned.
#: MT101: the glued word is left alone (damaged sentence -> reason)
KNOWN_GLUE_MISSES: dict[str, str] = {}
#: MT102: word pairs whose concatenation is a frequent word, so the rule's OCR-split
#: guard ("con. trolled") keeps quiet
KNOWN_PERIOD_PAIR_MISSES: set[tuple[str, str]] = set()


def known_miss(case: "Case") -> str | None:
    if case.rule == "MT101":
        return KNOWN_GLUE_MISSES.get(case.damaged)
    before = case.damaged[:case.start].rsplit(None, 1)[-1]
    after = case.damaged[case.end:].split(None, 1)[0]
    if (before.lower(), after.lower()) in KNOWN_PERIOD_PAIR_MISSES:
        return f"MT102 OCR-split guard: {before + after!r} is a word, so {before}. {after} is left alone"
    return None


_WORD = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Case:
    rule: str
    original: str
    damaged: str
    start: int        # where the damage is in `damaged`
    end: int

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.damaged[max(0, self.start - 12):self.end + 12]}"


def glue_cases() -> list[Case]:
    out = []
    for s in CLEAN:
        words = list(_WORD.finditer(s))
        for a, b in zip(words, words[1:]):
            gap = s[a.end():b.start()]
            if b.group() in GLUE_OPENERS and gap in (" ", ", "):
                damaged = s[:a.end()] + s[b.start():]
                out.append(Case("MT101", s, damaged, a.start(), a.start() + len(a.group()) + len(b.group())))
    return out


def period_cases() -> list[Case]:
    abbreviations = rule_data.word_set("abbreviations", "abbreviations")
    out = []
    for s in CLEAN:
        words = list(_WORD.finditer(s))
        for a, b in zip(words, words[1:]):
            if s[a.end():b.start()] != " " or not b.group()[0].islower():
                continue
            if len(a.group()) < 2 or a.group().lower() in abbreviations:
                continue      # "in." / "no." are abbreviations: MT102 rightly leaves those alone
            damaged = s[:a.end()] + "." + s[a.end():]
            out.append(Case("MT102", s, damaged, a.end(), a.end() + 1))
    return out


GLUE_CASES = glue_cases()
PERIOD_CASES = period_cases()
ALL_CASES = GLUE_CASES + PERIOD_CASES


def normalise(text: str) -> str:
    """The rule may add the comma the original did not have (or vice versa)."""
    return text.replace(", ", " ")


def _param(case: Case):
    reason = known_miss(case)
    marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
    return pytest.param(case, id=case.id, marks=marks)


def test_round_trip_corpus_is_big_enough():
    assert len(CLEAN) >= 30
    assert len(GLUE_CASES) >= 15 and len(PERIOD_CASES) >= 100


@pytest.mark.parametrize("sentence", CLEAN)
def test_clean_sentences_are_silent(sentence: str):
    findings = cleaner.check(sentence, cleaner.Settings(select=("MT101", "MT102")))
    assert not findings, [f.message for f in findings]


def assert_round_trip(case: Case, text: str, offset: int) -> None:
    settings = cleaner.Settings(select=(case.rule,))
    findings = cleaner.check(text, settings)
    at = Span(offset + case.start, offset + case.end)
    hits = [f for f in findings if f.rule == case.rule and f.span.overlaps(at)]
    assert hits, f"{case.rule} did not fire on {case.damaged!r}"
    if case.rule == "MT101":
        assert hits[0].span == at
    else:
        assert hits[0].span.start == at.start
    fixed = cleaner.fix(text, unsafe=True, settings=settings).text
    original = text[:offset] + case.original + text[offset + len(case.damaged):]
    assert normalise(fixed) == normalise(original)


@pytest.mark.parametrize("case", [_param(c) for c in ALL_CASES])
def test_round_trip(case: Case):
    assert_round_trip(case, case.damaged, 0)


@given(st.sampled_from([c for c in ALL_CASES if not known_miss(c)]),
       st.lists(st.sampled_from(CLEAN), max_size=3), st.lists(st.sampled_from(CLEAN), max_size=3),
       st.sampled_from([" ", "\n", "\n\n"]))
def test_round_trip_in_context(case: Case, before: list[str], after: list[str], sep: str):
    """The same, with other clean sentences around the damaged one."""
    head = sep.join(before) + (sep if before else "")
    tail = (sep if after else "") + sep.join(after)
    assert_round_trip(case, head + case.damaged + tail, len(head))
