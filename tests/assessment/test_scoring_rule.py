"""The scoring rule (DESIGN.md §2) as properties over generated categories, statuses and scopes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aismm_assistant.assessment.scoring import COMPLETE, STATUSES, score_category, score_program
from aismm_assistant.model import DEPLOYMENT_TYPES, Category, Control
from tests.support.factories import write_corpus

DEPLOYMENTS = [["All"], ["Self-hosted"], ["PaaS"], ["API/SaaS"], ["Self-hosted", "PaaS"], ["PaaS", "API/SaaS"]]


def make_control(prefix: str, level: int, number: int, deployments: list[str]) -> Control:
    return Control(id=f"{prefix}-0{level}.{number}", level=level, name=f"Objective {level}.{number}",
                   objective="A measurable objective that the tests use to exercise the rule.",
                   deployment_types=deployments, assessment_mode="Manual")


@st.composite
def categories(draw: st.DrawFn) -> Category:
    controls = []
    for level in range(2, 6):
        for n in range(1, draw(st.integers(1, 3)) + 1):
            controls.append(make_control("MOD", level, n, draw(st.sampled_from(DEPLOYMENTS))))
    return Category(id="MOD", name="Model Security", domain="Structural", controls=controls)


@st.composite
def cases(draw: st.DrawFn) -> tuple[Category, dict[str, str], list[str] | None]:
    cat = draw(categories())
    drawn = {c.id: draw(st.sampled_from((*STATUSES, None))) for c in cat.controls}
    statuses = {cid: s for cid, s in drawn.items() if s is not None}  # None = never assessed
    scope = draw(st.one_of(st.none(), st.lists(st.sampled_from(DEPLOYMENT_TYPES), min_size=1, unique=True)))
    return cat, statuses, scope


@settings(max_examples=300, deadline=None)
@given(cases())
def test_level_implies_every_applicable_objective_up_to_it_is_complete(case):
    cat, statuses, scope = case
    score = score_category(cat, statuses, scope)
    for c in cat.controls:
        if c.level <= score.level and c.applies_to(scope):
            assert statuses.get(c.id, "unknown") in COMPLETE
    if score.level < 5:  # the next level really falls short
        nxt = [c for c in cat.controls_at(score.level + 1) if c.applies_to(scope)]
        assert any(statuses.get(c.id, "unknown") not in COMPLETE for c in nxt)
        assert set(score.blocking) == {c.id for c in nxt if statuses.get(c.id, "unknown") not in COMPLETE}


@settings(max_examples=300, deadline=None)
@given(cases(), st.data())
def test_setting_a_status_to_met_never_lowers_the_level(case, data):
    cat, statuses, scope = case
    before = score_category(cat, statuses, scope).level
    target = data.draw(st.sampled_from([c.id for c in cat.controls]))
    after = score_category(cat, {**statuses, target: "met"}, scope).level
    assert after >= before


@settings(max_examples=200, deadline=None)
@given(cases(), st.data())
def test_a_downgrade_never_raises_the_level(case, data):
    cat, statuses, scope = case
    before = score_category(cat, statuses, scope).level
    target = data.draw(st.sampled_from([c.id for c in cat.controls]))
    worse = data.draw(st.sampled_from(["partial", "not_met", "unknown"]))
    assert score_category(cat, {**statuses, target: worse}, scope).level <= before


@settings(max_examples=200, deadline=None)
@given(cases(), st.data())
def test_objectives_outside_the_deployment_scope_never_block(case, data):
    cat, statuses, scope = case
    if scope is None:
        return
    out_of_scope = [c.id for c in cat.controls if not c.applies_to(scope)]
    worst = {**statuses, **{cid: data.draw(st.sampled_from(STATUSES)) for cid in out_of_scope}}
    assert score_category(cat, worst, scope).level == score_category(cat, statuses, scope).level
    assert not set(score_category(cat, worst, scope).blocking) & set(out_of_scope)


@settings(max_examples=100, deadline=None)
@given(categories())
def test_all_met_is_l5_and_nothing_is_l1(cat):
    assert score_category(cat, {c.id: "met" for c in cat.controls}).level == 5
    assert score_category(cat, {}).level == 1
    assert score_category(cat, {c.id: "not_applicable" for c in cat.controls}).level == 5


def test_worked_example_partial_counts_half_toward_next_level():
    cat = Category(id="MOD", name="Model Security", domain="Structural", controls=[
        make_control("MOD", 2, 1, ["All"]), make_control("MOD", 2, 2, ["All"]),
        make_control("MOD", 3, 1, ["All"]), make_control("MOD", 3, 2, ["Self-hosted"]),
        make_control("MOD", 4, 1, ["All"]), make_control("MOD", 5, 1, ["All"]),
    ])
    statuses = {"MOD-02.1": "met", "MOD-02.2": "not_applicable", "MOD-03.1": "partial"}
    score = score_category(cat, statuses, ["PaaS"])
    assert score.level == 2
    assert score.next_level == 3
    assert score.next_level_progress == 0.5  # MOD-03.2 is self-hosted only: not counted
    assert score.blocking == ["MOD-03.1"]
    assert score_category(cat, statuses, ["Self-hosted"]).next_level_progress == 0.25


def test_program_summary_per_domain_overall_and_gaps(tmp_path):
    corpus_dir = write_corpus(tmp_path / "c")
    from aismm_assistant.corpus import load_corpus_dir

    corpus = load_corpus_dir(corpus_dir)
    statuses = {c.id: "met" for c in corpus.category("GOV").controls if c.level <= 3}
    statuses |= {c.id: "met" for c in corpus.category("MOD").controls if c.level <= 2}
    out = score_program(corpus, statuses, None, ["GOV", "ORG", "MOD"], {"GOV": 4, "MOD": 2})
    assert {k: v["level"] for k, v in out["categories"].items()} == {"GOV": 3, "ORG": 1, "MOD": 2}
    assert out["domains"]["Foundational"] == {"mean_level": 2.0, "min_level": 1, "assessed": 2, "categories": 2}
    assert out["domains"]["Structural"] == {"mean_level": 2.0, "min_level": 2, "assessed": 1, "categories": 1}
    assert "Procedural" not in out["domains"]
    assert out["overall"]["mean_level"] == 2.0
    assert out["gaps"] == [{"category": "GOV", "current": 3, "target": 4, "gap": 1}]
