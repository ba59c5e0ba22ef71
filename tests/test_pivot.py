"""MT310 pivot-language hint and how it ranks the calques of that language."""
from __future__ import annotations

from cleaner.engine import build_document, check, check_document, make_context, rules_for
from cleaner.rules.pivot import evidence
from cleaner.rules.base import Context
from cleaner.settings import Settings

ITALIAN = ("During the call, second a chirp from the mission, Scholz condemned the strikes. "
           "The visitors hit the transversal twice before the break. "
           "The ministry will release 40 million euros in the ambit of the new plan.")
MIXED = ("The minister spoke at a press event; second a chirp from the mission, she left. "
         "It is question of saving money.")


def _findings(text, select=("MT301", "MT303", "MT310")):
    return check(text, Settings(select=select))


def test_italian_document_gets_the_hint():
    fs = [f for f in _findings(ITALIAN) if f.rule == "MT310"]
    assert len(fs) == 1
    f = fs[0]
    assert "likely round-tripped through Italian: 3 signals" in f.message
    assert f.severity == "info" and f.fix is None
    assert ITALIAN[f.start:f.end] == "second a chirp"           # anchored at the first signal


def test_mixed_or_single_signals_give_no_hint():
    assert not [f for f in _findings(MIXED) if f.rule == "MT310"]
    assert not [f for f in _findings("Spanish banks granted 38,000 hypothecary loans.") if f.rule == "MT310"]
    assert not [f for f in _findings("Nothing to see here.") if f.rule == "MT310"]


def test_pivot_switches_on_ambiguous_entries_and_raises_confidence():
    ranking = " The actual production of the plant is far below capacity."
    assert not [f for f in _findings(ranking.strip(), ("MT301",))]
    fs = [f for f in _findings(ITALIAN + ranking, ("MT301",))]
    actual = [f for f in fs if (ITALIAN + ranking)[f.start:f.end] == "actual"]
    assert actual and actual[0].fix.edits[0].replacement == "current"
    mixed = "The visitors hit the transversal twice before the break. It is question of time."
    alone = [f for f in _findings(mixed, ("MT301",)) if mixed[f.start:f.end] == "transversal"]
    boosted = [f for f in fs if (ITALIAN + ranking)[f.start:f.end] == "transversal"]
    assert boosted[0].confidence > alone[0].confidence


def test_only_mt310_selected_still_sees_the_phrasebooks():
    assert [f.rule for f in _findings(ITALIAN, ("MT310",))] == ["MT310"]


def test_signals_from_other_rules():
    settings = Settings(select=("MT310",))
    doc = build_document("Calques everywhere: one, two, three words here.", settings)
    ctx = make_context(settings)
    ctx.facts = {"pivot.signals": [(0, 7, ("es",)), (9, 20, ("es",)), (21, 25, ("es", "pt"))]}
    ev = evidence(doc, ctx)
    assert ev.language == "es" and round(ev.scores["es"], 2) == 2.5
    rules = rules_for(settings)
    # check_document resets facts per document; other rules add their signals while it runs
    class Signaller:
        meta = None

        def check(self, doc, ctx):
            ctx.facts.setdefault("pivot.signals", []).extend([(0, 7, ("ru",)), (9, 20, ("ru",))])
            return []

    fs = check_document(doc, (Signaller(), *rules), make_context(settings), settings)
    assert [f.message.split(":")[0] for f in fs] == ["likely round-tripped through Russian"]


def test_acronyms_count_for_their_languages():
    text = ("The European Central Bank (EZB) kept rates on hold. "
            "The Common Agricultural Policy (GAP) will be reformed.")
    ev = evidence(build_document(text), _ctx_with_rules(text))
    assert ev.language == "de"


def _ctx_with_rules(text):
    ctx = Context()
    ctx.rules = rules_for(Settings(select=("MT301", "MT303")))   # the phrasebooks evidence reads
    return ctx


def test_one_signal_leans_without_being_reported():
    text = ("The visitors hit the transversal twice before the break. "
            "The actual production of the plant is far below capacity.")
    fs = _findings(text)
    assert not [f for f in fs if f.rule == "MT310"]             # one signal: no hint reported
    assert [text[f.start:f.end] for f in fs if f.rule == "MT301"] == ["transversal", "actual"]
