"""Issue 17, item 12: cooperation with other actors followed per year (003:375, 003:409): consents, interventions
with an external actor and meetings, per actor type, and the cases with any of them. Both databases."""
import datetime as dt

import pytest
from sqlmodel import Session

from narvaro.casework import cases, consent, interventions, meetings
from narvaro.casework.inputs import MeetingCreate
from narvaro.core import db
from narvaro.core.errors import FieldError
from narvaro.core.models import ACTIVE
from narvaro.reporting import cooperation, tables
from narvaro.reporting.indicators import Period

D = dt.date


def _case(engine, n):
    with db.session_scope(engine) as s:
        return cases.create_case(s, dict(pupil_code=f"P{n}", school_form="Grundskola", provider="Kommunal",
                                         received_on=D(2024, 1, 2), assigned_on=D(2024, 1, 5), status=ACTIVE,
                                         current_step="steg2"), "tl").id


def _do(engine, fn, case_id, *args, **kw):
    with db.session_scope(engine) as s:
        return fn(s, case_id, cases.get_case(s, case_id).version, *args, **kw)


def test_actor_types_counted_across_cases_per_year(engine, frozen_clock):
    frozen_clock(D(2024, 6, 1))
    a, b = _case(engine, 1), _case(engine, 2)
    _do(engine, consent.add_consent, a, given_by="Vårdnadshavare 1", actors=["BUP", "HAB"], given_on=D(2024, 2, 1),
        valid_until=None, by="anna")
    _do(engine, consent.add_consent, b, given_by="Vårdnadshavare 1", actors=["BUP"], given_on=D(2024, 3, 1),
        valid_until=None, by="anna")
    _do(engine, interventions.add_intervention, a, by="anna", intervention_key="kontakt_bup_hab",
        performed_by="Koordinator", actor_type="BUP", start_on=D(2024, 2, 5))
    _do(engine, interventions.add_intervention, b, by="anna", intervention_key="initiera_externa",
        performed_by="Annan aktör", actor_type="Socialtjänst", start_on=D(2024, 4, 1))
    with pytest.raises(FieldError) as err:
        _do(engine, meetings.record_meeting, a, MeetingCreate(kind="Nätverksmöte", held_on=D(2024, 3, 1),
                                                              participants="x", actor_types=["Gymnasiet"]), by="anna")
    assert err.value.field == "actor_types"
    _do(engine, meetings.record_meeting, a, MeetingCreate(kind="SIP", held_on=D(2024, 3, 1), participants="VH, BUP",
                                                          actor_types=["BUP", "Socialtjänst"]), by="anna")
    _do(engine, meetings.record_meeting, b, MeetingCreate(kind="Nätverksmöte", held_on=D(2024, 5, 2),
                                                          participants="x", actor_types=["Socialtjänst"]), by="anna")
    with Session(engine) as s:
        rows = {r.actor: (r.consents, r.interventions, r.meetings, r.cases)
                for r in cooperation.compute(s, Period.year(2024))}
        earlier = {r.actor: r.cases for r in cooperation.compute(s, Period.year(2023))}
        m = meetings.meetings_for(s, a)[0]
        reader = tables.build(s, Period.year(2024), role="lasare").table("samverkan")
    assert rows["BUP"] == (2, 1, 1, 2)
    assert rows["HAB"] == (1, 0, 0, 1)
    assert rows["Socialtjänst"] == (0, 1, 2, 2)
    assert rows["Region"] == (0, 0, 0, 0)
    assert set(earlier.values()) == {0}
    assert meetings.actor_types_of(m) == ["BUP", "Socialtjänst"]
    assert ("Andra aktörer", "BUP, Socialtjänst") in meetings.summary(m)
    assert set(reader.df["Ärenden"]) == {"<5"}


def test_a_label_counts_only_whole(engine, frozen_clock, monkeypatch):
    """Actors are stored ';'-separated: "Region" must not count "Region Uppsala", nor a '%' act as a wildcard."""
    from narvaro.core import config

    cfg = config.get_config()
    ref = cfg.reference.model_copy(update={"actor_types": ["Region", "Region Uppsala", "100%"]})
    local = cfg.model_copy(update={"reference": ref})
    frozen_clock(D(2024, 6, 1))
    a = _case(engine, 1)
    with db.session_scope(engine) as s:
        s.add(consent.Consent(case_id=a, given_by="Elev", actors="Region Uppsala;100%", given_on=D(2024, 2, 1),
                              created_by="anna"))
    with Session(engine) as s:
        rows = {r.actor: r.consents for r in cooperation.compute(s, Period.year(2024), local)}
    assert rows == {"Region": 0, "Region Uppsala": 1, "100%": 1}
