"""A negation of what the objective itself forbids is the control, not its absence."""

from __future__ import annotations

import pytest

from aismm_assistant.corpus import get_category
from aismm_assistant.interview.analysis import analyse, forbidden_stems, states_forbidden_absent
from aismm_assistant.interview.proposals import TurnInput
from aismm_assistant.interview.text import content_stems

FORBIDS = forbidden_stems("Provider settings stop prompts and code from being retained or used for model training.")


@pytest.mark.parametrize("sentence, reads_as_control", [
    ("In the admin console prompts and code are not retained and never used for training.", True),
    ("Prompts aren't retained by the provider.", True),
    # the organisation denies the stopping itself, or a check: still absence
    ("We don't stop prompts from being retained.", False),
    ("We do not check whether prompts are retained.", False),
    # a negation about something else
    ("Nobody has reviewed the code owners file.", False),
])
def test_negation_of_the_forbidden_thing(sentence, reads_as_control):
    assert states_forbidden_absent(FORBIDS, sentence, content_stems(sentence)) is reads_as_control


def test_an_objective_without_a_prohibition_forbids_nothing():
    assert not forbidden_stems("Every production model has a named owner recorded in the registry.")


def test_a_tenant_setting_that_stops_retention_is_not_read_as_missing():
    answer = ("Every developer gets an assistant seat through our enterprise tenant. "
              "In that tenant prompts and code are not retained and are not used for model training.")
    prop = analyse(get_category("DEV"), [TurnInput(answer=answer)], ["API/SaaS"])
    assert prop.controls["DEV-02.2"].status != "not_met"
