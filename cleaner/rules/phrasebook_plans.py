"""Match plans: where around its anchors a phrasebook entry's regex is tried.

Given an entry's anchor positions, the rule searches the entry's regex in short
windows around them (:mod:`cleaner.rules.phrasebook_anchors`) — or, once the
entry has been a candidate a few times, follows its *plan* (:func:`_plan`):
literal strings every match holds (:func:`literal_needs`; a window without them
is skipped) and a walk back from the anchor word to the few places a match can
start (:func:`_walker`), where ``pattern.match`` is tried (:func:`_matches_at`) —
the matches the window search finds, in the same order.  Apart from the rule
because its reader needs only that the matches are the same; imported on first
need (a one-page check plans no entry: start-up time).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..regexcache import compile as _rx  # persistent compiled-pattern cache (start-up)
from . import userregex
from .phrasebook_anchors import _ends_word, _is_word, _sanitize, _sre_c, _sre_parse

if TYPE_CHECKING:
    from .phrasebook import Entry


# -- where an entry's matches can start: the cheap path around anchors -----------------------
#
# An entry's regex normally runs over a window of ~450 characters around its anchors.
# Most entries say more: every match *starts* with the anchor word (``(?:put|placed|
# set)\s+...``), or a few literal words before it (``(?:the|an?)\s+(?:case|affair)``).
# For those, :func:`_plan` keeps the items before the anchor word, and the rule walks
# them back from each anchor position (:func:`_walker`) to the few places a match
# can start, where ``pattern.match`` is tried — what the window search would have
# found there, in the same order, without scanning the window.  The other entries
# still search windows, skipped when a literal word that every match contains is not
# in the window.  Both rest on facts about the document checked once (:attr:`Scan.safe
# <cleaner.rules.phrasebook_anchors.Scan.safe>`): lowering keeps its length, and no
# character is one that the ``regex`` module reads differently from ``str`` methods
# (word characters, case).

_MAX_STARTS = 12       # more possible starts than this for an anchor: search the window
# regex syntax that the standard library's parser reads differently, or not at all
# (nested sets and set operations, fuzzy counts, flags, recursion...; after _sanitize)
_UNPLANNED = _rx(r"\[\[|\[:|--|&&|\|\||~~|\{[a-z]|\(\?(?![:=!#]|<[=!]|P<)")


class _Plan:
    """``before``: walks back over what a match has before its anchor word
    (:func:`_walker`; ``()``: matches start with it), or None: search windows.
    ``needs``: literal string groups (ASCII, lower case), one of each in every match."""

    __slots__ = ("before", "needs")

    def __init__(self, before, needs: tuple[tuple[str, ...], ...]):
        self.before = before
        self.needs = needs

    def holds_needs(self, low: str, lo: int, hi: int) -> bool:
        """:func:`_has_needs` of this plan's ``needs``."""
        return _has_needs(low, lo, hi, self.needs)

    def matches_at(self, pattern, text: str, low: str, lo: int, hi: int, at: list[int]):
        """:func:`_matches_at` with this plan's ``before``."""
        return _matches_at(pattern, self.before, text, low, lo, hi, at)


_NO_PLAN = _Plan(None, ())


def _parsed(entry: "Entry") -> list | None:
    """The entry's pattern parsed by the standard library (None: it cannot be)."""
    source = getattr(entry.pattern, "source", None)      # a LazyPattern's, uncompiled
    if not isinstance(source, str):
        return None
    source = _sanitize(source)
    if _UNPLANNED.search(source):
        return None
    try:
        return list(_sre_parse.parse(source))
    except Exception:
        return None


def literal_needs(entry: "Entry", parsed: list | None = None) -> list[tuple[str, ...]] | None:
    """Groups of strings (ASCII, lower case) such that every match of ``entry`` (and
    what its lookaheads see) holds one of each group; None when its pattern cannot
    be read.  A text with only :func:`~cleaner.rules.phrasebook_anchors.safe_text`
    characters lacking a group in its lower case has no match."""
    if parsed is None:
        parsed = _parsed(entry)
        if parsed is None:
            return None
    out: list[tuple[str, ...]] = []
    for group in _runs(parsed):
        if all(s.isascii() and (len(s) > 1 or not _is_word(s)) for s in group) and group not in out:
            out.append(group)
    return out


def _plan(entry: "Entry") -> _Plan:
    """What :class:`~cleaner.rules.phrasebook.Phrasebook` may assume about the matches of ``entry``."""
    parsed = _parsed(entry)
    if parsed is None:
        return _NO_PLAN
    anchors = entry.anchors or ()
    mine = {a.rstrip("$").lower() for a in anchors}
    needs = []
    for group in literal_needs(entry, parsed):   # (the anchors' own group is in every window)
        if len(group) <= 4 and set(group) != mine:
            needs.append(group)
    # a few tests at most, the likely rarest first: few strings, long ones
    needs = tuple(sorted(needs, key=lambda g: (len(g), -min(map(len, g))))[:2])
    before = None
    if anchors and all(a.isascii() and a == a.lower() for a in anchors):
        items = _flat(parsed)
        for j in range(len(items)):
            lead = _lead(items[j:], False)
            if lead is None or not all(_begins(s, ends, anchors) for s, ends in lead):
                continue
            if j and not _ends_apart(items[:j]):
                continue                 # the anchor word might not start a word
            steps = _steps(items[:j])
            if steps is not None:
                before = _walker(steps) if steps else ()
                break
    return _Plan(before, needs)


def _runs(items: list) -> list[tuple[str, ...]]:
    """Groups of literal strings (lower case), a string of each group in every match
    (or in what its lookaheads see)."""
    c = _sre_c
    out: list[tuple[str, ...]] = []
    cur: list[str] = []

    def flush():
        if cur:
            out.append(("".join(cur),))
            cur.clear()

    for op, av in items:
        ch = _letter(op, av)
        if ch is not None:
            cur.append(ch)
            continue
        flush()
        if op is c.SUBPATTERN:
            out.extend(_runs(list(av[-1])))
        elif op is c.BRANCH:
            best = []
            for branch in av[1]:
                groups = _runs(list(branch))
                if not groups:
                    break
                best.append(max(groups, key=lambda g: min(map(len, g))))
            else:
                out.append(tuple(sorted({s for g in best for s in g})))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            out.extend(_runs(list(av[2])))
        elif op is c.ASSERT and av[0] == 1:
            out.extend(_runs(list(av[1])))
    flush()
    return out


def _flat(items: list) -> list:
    """A parsed sequence with its groups opened (their items in line)."""
    out = []
    for op, av in items:
        if op is _sre_c.SUBPATTERN:
            out.extend(_flat(list(av[-1])))
        else:
            out.append((op, av))
    return out


def _letter(op, av) -> str | None:
    """The character (lower case) that a parsed item matches, if just one."""
    c = _sre_c
    if op is c.LITERAL:
        return chr(av).lower()
    if op is c.IN and av and all(o is c.LITERAL for o, _ in av) and len({chr(a).lower() for _, a in av}) == 1:
        return chr(av[0][1]).lower()
    return None


def _zero_width(op) -> bool:
    c = _sre_c
    return op is c.AT or op is c.ASSERT or op is c.ASSERT_NOT


def _lead(items: list, tail_ends: bool) -> list[tuple[str, bool]] | None:
    """The literal runs (lower case) that every match of ``items`` starts with, each
    with whether a word ends right after it; None when that is not known."""
    c = _sre_c
    i = 0
    while i < len(items) and _zero_width(items[i][0]):
        i += 1
    if i == len(items):
        return None
    op, av = items[i]
    if _letter(op, av) is not None:
        run = []
        k = i
        while k < len(items) and (ch := _letter(*items[k])) is not None:
            run.append(ch)
            k += 1
        head = "".join(run)
        if k < len(items) and items[k][0] in (c.BRANCH, c.SUBPATTERN):
            rest = _lead(items[k:], tail_ends)        # "renounc" + (?:e|es|ed|ing)
            if rest is not None:
                return [(head + s, ends) for s, ends in rest]
        ends = _ends_word(items[k]) if k < len(items) else tail_ends
        return [(head, ends)]
    if op is c.SUBPATTERN:
        return _lead(list(av[-1]) + items[i + 1:], tail_ends)
    if op is c.BRANCH:
        out: list[tuple[str, bool]] = []
        for branch in av[1]:
            got = _lead(list(branch) + items[i + 1:], tail_ends)
            if got is None:
                return None
            out.extend(got)
        return out
    if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
        lo, hi, sub = av
        return _lead(list(sub) + items[i + 1:], tail_ends) if hi == 1 else _lead(list(sub), False)
    return None


def _begins(s: str, ends: bool, anchors) -> bool:
    """Whether a match starting with ``s`` starts with one of ``anchors`` as the
    anchor index finds them (``$``: the whole word)."""
    if not s or not s.isascii():
        return False
    for a in anchors:
        if a.endswith("$"):
            a = a[:-1]
            if s.startswith(a) and ((len(s) > len(a) and not _is_word(s[len(a)])) or (len(s) == len(a) and ends)):
                return True
        elif s.startswith(a):
            return True
    return False


def _ends_apart(items: list) -> bool:
    """Whether every way of matching ``items`` ends with a non-word character (or
    matches nothing)."""
    for op, av in reversed(items):
        ends, empty = _tail(op, av)
        if not ends:
            return False
        if not empty:
            return True
    return True


def _tail(op, av) -> tuple[bool, bool]:
    """(ends with a non-word character when it matches something, may match nothing)."""
    c = _sre_c
    if _zero_width(op):
        return True, True
    if op is c.LITERAL:
        return not _is_word(chr(av)), False
    if op is c.IN:
        ok = all((o is c.LITERAL and not _is_word(chr(a))) or (o is c.CATEGORY and a in (c.CATEGORY_SPACE, c.CATEGORY_NOT_WORD))
                 for o, a in av)
        return ok, False
    if op is c.SUBPATTERN:
        return _seq_tail(list(av[-1]))
    if op is c.BRANCH:
        tails = [_seq_tail(list(b)) for b in av[1]]
        return all(t[0] for t in tails), any(t[1] for t in tails)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        ends, empty = _seq_tail(list(av[2]))
        return ends, empty or av[0] == 0
    return False, False


def _seq_tail(items: list) -> tuple[bool, bool]:
    for op, av in reversed(items):
        ends, empty = _tail(op, av)
        if not ends:
            return False, False
        if not empty:
            return True, False
    return True, True


def _steps(items: list) -> tuple | None:
    """``items`` as steps for :func:`_walker`: ("lit", text), ("chr", test),
    ("alt", branches), ("rep", min, max, steps); zero-width items are left out (the
    walk finds a superset of the possible starts).  None: an item it cannot walk."""
    c = _sre_c
    out: list = []
    run: list[str] = []

    def flush():
        if run:
            out.append(("lit", "".join(run)))
            run.clear()

    for op, av in items:
        ch = _letter(op, av)
        if ch is not None and ch.isascii():
            run.append(ch)
            continue
        flush()
        if ch is not None or op is c.ANY or op is c.NOT_LITERAL:
            out.append(("chr", None))
        elif _zero_width(op):
            continue
        elif op is c.IN:
            out.append(("chr", _char_test(av)))
        elif op is c.SUBPATTERN:
            sub = _steps(list(av[-1]))
            if sub is None:
                return None
            out.extend(sub)
        elif op is c.BRANCH:
            subs = [_steps(list(b)) for b in av[1]]
            if any(s is None for s in subs):
                return None
            out.append(("alt", tuple(subs)))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
            sub = _steps(list(av[2]))
            if sub is None:
                return None
            out.append(("rep", av[0], av[1], sub))
        else:
            return None
    flush()
    return tuple(out)


def _char_test(av) -> Any:
    """A test for one character of a class: a set of (lower-case, ASCII) letters,
    "space", or None (any character)."""
    c = _sre_c
    if av and all(o is c.LITERAL for o, _ in av):
        chars = frozenset(chr(a).lower() for _, a in av)
        return chars if all(ch.isascii() for ch in chars) else None
    if av and all(o is c.CATEGORY and a is c.CATEGORY_SPACE for o, a in av):
        return "space"
    return None


def _walker(steps: tuple):
    """A function ``walk(ends, low)``: the positions from which ``steps`` can match
    up to one of the positions ``ends`` in ``low`` (a superset, as a list that may
    repeat itself), or None when there are more than :data:`_MAX_STARTS`."""
    parts = [_step_walker(s) for s in reversed(steps)]

    def walk(ends: list, low: str):
        for part in parts:
            if not ends:
                return ends
            ends = part(ends, low)
            if ends is None or len(ends) > _MAX_STARTS:
                return None
        return ends

    return walk


def _step_walker(step):
    kind = step[0]
    if kind == "lit":
        s = step[1]
        k = len(s)
        return lambda ends, low: [q - k for q in ends if q >= k and low.startswith(s, q - k)]
    if kind == "chr":
        test = _char_fn(step[1])
        return lambda ends, low: [q - 1 for q in ends if q > 0 and test(low[q - 1])]
    if kind == "alt":
        branches = step[1]
        if all(len(b) == 1 and b[0][0] == "lit" for b in branches):      # (?:the|an?)
            words = [(b[0][1], len(b[0][1])) for b in branches]
            return lambda ends, low: [q - k for q in ends for s, k in words if q >= k and low.startswith(s, q - k)]
        walks = [_walker(b) for b in branches]

        def alt(ends, low):
            out = []
            for walk in walks:
                got = walk(ends, low)
                if got is None:
                    return None
                out.extend(got)
            return out
        return alt
    _, lo, hi, sub = step
    if len(sub) == 1 and sub[0][0] == "chr":                              # \s+, \d{2}
        test = _char_fn(sub[0][1])

        def run(ends, low):
            out = []
            for q in ends:
                if lo == 0:
                    out.append(q)
                k, count = q, 0
                while count < hi and k > 0 and test(low[k - 1]):
                    k -= 1
                    count += 1
                    if count >= lo:
                        out.append(k)
                    if len(out) > _MAX_STARTS:
                        return None
            return out
        return run
    walk = _walker(sub)

    def rep(ends, low):
        found = set(ends) if lo == 0 else set()
        cur, k = ends, 0
        while cur and k < hi:
            cur = walk(cur, low)
            if cur is None:
                return None
            k += 1
            if k >= lo:
                cur = [q for q in set(cur) if q not in found]
                found.update(cur)
            if len(found) > _MAX_STARTS:
                return None
        return list(found)
    return rep


def _char_fn(test):
    if test is None:
        return lambda ch: True
    if test == "space":
        return str.isspace
    return test.__contains__


def _has_needs(low: str, lo: int, hi: int, needs) -> bool:
    """Whether ``low[lo:hi]`` holds a word of each group of ``needs``."""
    for group in needs:
        for w in group:
            if low.find(w, lo, hi) >= 0:
                break
        else:
            return False
    return True


def _matches_at(pattern, before: tuple, text: str, low: str, lo: int, hi: int, at: list[int]):
    """The matches that ``pattern.finditer(text, lo, hi)`` gives, tried only where
    they can start: at the anchor positions ``at``, walked back over ``before`` (see
    :func:`_plan`).  None when there are too many places to try."""
    compiled = pattern.validate() if isinstance(pattern, userregex.LazyPattern) else pattern
    if before:
        starts = before(at, low)
        if starts is None:
            return None
        if len(starts) > 1:
            starts = sorted(set(starts))
    elif len(at) == 1:
        starts = at
    else:
        starts = sorted(set(at))
    if len(starts) == 1:              # the usual case
        s = starts[0]
        if s < lo:
            return ()
        m = compiled.match(text, s, hi)
        if m is None:
            return ()
        return (m,) if m.end() > s else None
    out = []
    pos = lo
    for s in starts:
        if s < pos:
            continue
        m = compiled.match(text, s, hi)
        if m is None:
            continue
        if m.end() <= s:
            return None                  # an empty match: leave it to the window search
        out.append(m)
        pos = m.end()
    return out
