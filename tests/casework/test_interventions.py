"""Interventions on a case: picking, custom ones, status, effect over meetings, consent, usage figures, promotion."""
import datetime as dt
import hashlib

import pytest
from sqlmodel import Session, select

from narvaro.casework import cases, catalogue, consent, interventions
from narvaro.core import audit, config, db, errors
from narvaro.core.errors import MissingConsent, NotAllowed, StaleCaseError
from narvaro.core.models import ACTIVE, CLOSED, AuditEntry, CaseEvent, CaseIntervention, CatalogueEntry, Meeting
from narvaro.reporting import intervention_usage

D = dt.date
FIELDS = dict(pupil_code="EX-1", school_form="Grundskola", provider="Kommunal", received_on=D(2025, 8, 1),
              assigned_on=D(2025, 8, 5), status=ACTIVE, current_step="steg2")
RETURNED = "Återgått till undervisning"
OTHER = "Rektor avslutade, ej önskad effekt"


@pytest.fixture
def case_id(engine, frozen_clock):
    with db.session_scope(engine) as s:
        return cases.create_case(s, FIELDS, "tl").id


def _version(engine, case_id):
    with Session(engine) as s:
        return cases.get_case(s, case_id).version


def _events(engine, case_id, kind):
    with Session(engine) as s:
        return [e.text for e in s.exec(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                               CaseEvent.kind == kind).order_by(CaseEvent.id))]


def test_catalogue_is_grouped_and_searchable(session):
    cat = catalogue.catalogue(session)
    assert "kontakt_bup_hab" in [d.key for d in cat["samordnande"]]
    assert "sms_morgon" in [d.key for d in cat["operativa"]]
    assert all(d.description for d in cat["samordnande"] + cat["operativa"])
    found = catalogue.catalogue(session, "sms MORGON")
    assert [d.key for d in found["operativa"]] == ["sms_morgon"] and found["samordnande"] == []
    # The description is searched too ("habiliteringen" is only in the description).
    assert [d.key for d in catalogue.catalogue(session, "habiliteringen")["samordnande"]] == ["kontakt_bup_hab"]
    assert catalogue.catalogue(session, "finns inte alls") == {"samordnande": [], "stodjande": [], "operativa": []}


def test_pick_from_both_groups_and_a_custom_one(engine, case_id):
    with db.session_scope(engine) as s:
        a = interventions.add_intervention(s, case_id, 1, by="anna", intervention_key="natverksmoten",
                                           performed_by="Koordinator", start_on=D(2025, 9, 1))
    with db.session_scope(engine) as s:
        b = interventions.add_intervention(s, case_id, 2, by="anna", intervention_key="sms_morgon",
                                           performed_by="Koordinator", plan="SMS varje morgon kl 7", status="pågående")
    with db.session_scope(engine) as s:
        c = interventions.add_intervention(s, case_id, 3, by="anna", name="Promenad med skolhunden",
                                           kind="operativa", performed_by="Skolan")
    with Session(engine) as s:
        rows = interventions.for_case(s, case_id)
        assert [(r.intervention_key, r.name, r.kind, r.status) for r in rows] == [
            ("natverksmoten", "Sammankalla till nätverksmöten", "samordnande", "planerad"),
            ("sms_morgon", "SMS-kontakt varje morgon", "operativa", "pågående"),
            (None, "Promenad med skolhunden", "operativa", "planerad"),
        ]
        assert rows[1].plan == "SMS varje morgon kl 7" and rows[0].start_on == D(2025, 9, 1)
        assert cases.get_case(s, case_id).version == 4
        changes = audit.search(s, case_id=case_id, action=audit.CHANGE)
        assert len(changes) == 3
    assert {a.id, b.id, c.id} == {r.id for r in rows}
    texts = _events(engine, case_id, "insats")
    assert len(texts) == 3 and "Promenad med skolhunden (egen insats)" in texts[2]


def test_bad_input_names_the_field_and_changes_nothing(engine, case_id):
    bad = [
        (dict(intervention_key="finns_inte", performed_by="Koordinator"), "intervention_key"),
        (dict(name="  ", kind="operativa", performed_by="Koordinator"), "name"),
        (dict(name="Egen", kind="annan", performed_by="Koordinator"), "kind"),
        (dict(intervention_key="fika", performed_by="Grannen"), "performed_by"),
        (dict(intervention_key="fika", performed_by="Annan aktör"), "actor_type"),
        (dict(intervention_key="fika", performed_by="Skolan", actor_type="Polisen"), "actor_type"),
        (dict(intervention_key="fika", performed_by="Skolan", plan="x" * 501), "plan"),
        (dict(intervention_key="fika", performed_by="Skolan", status="klar"), "status"),
    ]
    for kwargs, field in bad:
        with pytest.raises(errors.FieldError) as err:
            with db.session_scope(engine) as s:
                interventions.add_intervention(s, case_id, 1, by="anna", **kwargs)
        assert err.value.field == field, kwargs
    assert _version(engine, case_id) == 1


def test_coordinating_intervention_with_an_actor_is_blocked_without_consent(engine, case_id):
    with pytest.raises(MissingConsent, match="inget giltigt samtycke som omfattar BUP"):
        with db.session_scope(engine) as s:
            interventions.add_intervention(s, case_id, 1, by="anna", intervention_key="kontakt_bup_hab",
                                           performed_by="Koordinator", actor_type="BUP")
    # A custom coordinating intervention is held to the same rule.
    with pytest.raises(MissingConsent):
        with db.session_scope(engine) as s:
            interventions.add_intervention(s, case_id, 1, by="anna", name="Möte med socialtjänsten",
                                           kind="samordnande", performed_by="Koordinator", actor_type="Socialtjänst")
    with Session(engine) as s:
        assert interventions.for_case(s, case_id) == []
        assert cases.get_case(s, case_id).version == 1
    # Operative work that merely names an actor does not exchange information through the coordinator.
    with db.session_scope(engine) as s:
        interventions.add_intervention(s, case_id, 1, by="anna", intervention_key="initiera_externa",
                                       performed_by="Koordinator", actor_type="BUP")
    with db.session_scope(engine) as s:
        consent.add_consent(s, case_id, 2, given_by="Vårdnadshavare 1", actors=["BUP"], given_on=D(2025, 9, 1),
                            valid_until=D(2025, 10, 31), by="anna")
    with db.session_scope(engine) as s:
        ci = interventions.add_intervention(s, case_id, 3, by="anna", intervention_key="kontakt_bup_hab",
                                            performed_by="Koordinator", actor_type="BUP")
    assert ci.actor_type == "BUP"
    # Consent that runs out before the planned start does not cover it.
    with pytest.raises(MissingConsent):
        with db.session_scope(engine) as s:
            interventions.add_intervention(s, case_id, 4, by="anna", intervention_key="natverksmoten",
                                           performed_by="Koordinator", actor_type="BUP", start_on=D(2025, 11, 3))


def test_status_changes_and_stale_version(engine, case_id):
    with db.session_scope(engine) as s:
        ci = interventions.add_intervention(s, case_id, 1, by="anna", intervention_key="fika", performed_by="Koordinator")
    with db.session_scope(engine) as s:
        interventions.update_status(s, case_id, 2, ci.id, "pågående", by="anna")
    with db.session_scope(engine) as s:
        interventions.update_status(s, case_id, 3, ci.id, "genomförd", by="anna")
    with pytest.raises(errors.FieldError, match="redan status genomförd"):
        with db.session_scope(engine) as s:
            interventions.update_status(s, case_id, 4, ci.id, "genomförd", by="anna")
    with pytest.raises(errors.FieldError) as err:
        with db.session_scope(engine) as s:
            interventions.update_status(s, case_id, 4, ci.id, "pausad", by="anna")
    assert err.value.field == "status"
    # Someone who read version 3 must not overwrite the newer state.
    with pytest.raises(StaleCaseError):
        with db.session_scope(engine) as s:
            interventions.update_status(s, case_id, 3, ci.id, "avbruten", by="bo")
    with Session(engine) as s:
        assert s.get(CaseIntervention, ci.id).status == "genomförd"
    assert _events(engine, case_id, "insats")[1:] == ["Insatsen Fika med eleven: status planerad → pågående.",
                                                      "Insatsen Fika med eleven: status pågående → genomförd."]


def test_effect_ratings_over_two_meetings(engine, case_id):
    with db.session_scope(engine) as s:
        ci = interventions.add_intervention(s, case_id, 1, by="anna", intervention_key="sms_morgon",
                                            performed_by="Koordinator")
        m1 = Meeting(case_id=case_id, kind="Uppföljningsmöte", held_on=D(2025, 9, 1), created_by="anna")
        m2 = Meeting(case_id=case_id, kind="Uppföljningsmöte", held_on=D(2025, 9, 12), created_by="anna")
        other_case = cases.create_case(s, dict(FIELDS, pupil_code="EX-2"), "tl")
        m_other = Meeting(case_id=other_case.id, kind="Uppföljningsmöte", held_on=D(2025, 9, 2), created_by="bo")
        s.add_all([m1, m2, m_other])
        s.flush()
        ids = (m1.id, m2.id, m_other.id)
    with db.session_scope(engine) as s:
        interventions.rate_effect(s, case_id, 2, ci.id, rating="För tidigt att säga", comment="Svarar ibland",
                                  meeting_id=ids[0], by="anna")
    with db.session_scope(engine) as s:
        interventions.rate_effect(s, case_id, 3, ci.id, rating="Viss effekt", comment="Kommer till första lektionen",
                                  meeting_id=ids[1], by="anna")
    for kwargs, field in [(dict(rating="Jättebra", meeting_id=ids[1]), "rating"),
                          (dict(rating="Viss effekt", meeting_id=ids[1]), "meeting_id"),   # already rated there
                          (dict(rating="Viss effekt", meeting_id=ids[2]), "meeting_id")]:  # another case's meeting
        with pytest.raises(errors.FieldError) as err:
            with db.session_scope(engine) as s:
                interventions.rate_effect(s, case_id, 4, ci.id, comment=None, by="anna", **kwargs)
        assert err.value.field == field
    with Session(engine) as s:
        got = interventions.ratings(s, case_id)[ci.id]
    assert [(r.meeting_on, r.rating, r.comment) for r in got] == [
        (D(2025, 9, 1), "För tidigt att säga", "Svarar ibland"),
        (D(2025, 9, 12), "Viss effekt", "Kommer till första lektionen"),
    ]
    assert _events(engine, case_id, "insats")[-1] == "Effekt av SMS-kontakt varje morgon vid mötet 2025-09-12: Viss effekt."


def _closed(s, n, reason):
    return cases.create_case(s, dict(FIELDS, pupil_code=f"U-{n}", status=CLOSED, closed_on=D(2025, 6, 1),
                                     closure_reason=reason, current_step=None), "tl").id


def _use(s, case_id, key=None, name=None, kind="operativa"):
    if key:
        kind, d = catalogue.find_definition(s, key)
        name = d.name
    s.add(CaseIntervention(case_id=case_id, intervention_key=key, name=name, kind=kind, created_by="t"))


def build_usage_fixture(s):
    """sms_morgon: 11 cases (10 closed, 5 of them returned); kontakt_bup_hab: 3 cases; custom 'Skolhund': 6 cases."""
    returned = [_closed(s, i, RETURNED) for i in range(5)]
    other = [_closed(s, 10 + i, OTHER) for i in range(5)]
    active = cases.create_case(s, dict(FIELDS, pupil_code="U-open"), "tl").id
    for cid in returned + other + [active]:
        _use(s, cid, "sms_morgon")
    _use(s, returned[0], "sms_morgon")  # picked twice in one case: still one case
    for cid in returned[:2] + [active]:
        _use(s, cid, "kontakt_bup_hab")
    for cid in returned[:4] + other[:2]:
        _use(s, cid, name="Skolhund", kind="operativa")
    s.flush()


def test_usage_and_return_to_school_figures(session, frozen_clock):
    build_usage_fixture(session)
    rows = {(u.key, u.name): u for u in intervention_usage.usage(session)}
    sms = rows[("sms_morgon", "SMS-kontakt varje morgon")]
    assert (sms.kind, sms.cases, sms.closed, sms.returned) == ("operativa", 11, 10, 5)
    assert sms.returned_share == 50.0
    bup = rows[("kontakt_bup_hab", "Ta och ha kontakt med BUP och HAB")]
    assert (bup.kind, bup.cases, bup.closed, bup.returned) == ("samordnande", 3, 2, 2)
    dog = rows[(None, "Skolhund")]
    assert (dog.kind, dog.cases, dog.closed, dog.returned) == ("operativa", 6, 6, 4)
    assert len(rows) == 3

    shown = intervention_usage.usage_display(sms, 5)
    assert shown == {"Använd i ärenden": 11, "Avslutade ärenden": 10, "Varav återgått till undervisning": 5,
                     "Andel återgått (%)": 50.0}
    # 7 closed, 5 returned: showing both would tell that 2 did not return, so "returned" and its share go.
    seven = intervention_usage.Usage(None, "Sju", "operativa", cases=8, closed=7, returned=5)
    assert intervention_usage.usage_display(seven, 5) == {"Använd i ärenden": 8, "Avslutade ärenden": 7,
                                                     "Varav återgått till undervisning": "<5",
                                                     "Andel återgått (%)": "–"}
    many = intervention_usage.Usage(None, "Stor grupp", "operativa", cases=30, closed=20, returned=12)
    assert intervention_usage.usage_display(many, 5) == {"Använd i ärenden": 30, "Avslutade ärenden": 20,
                                                    "Varav återgått till undervisning": 12, "Andel återgått (%)": 60.0}
    almost_all = intervention_usage.Usage(None, "Nästan alla", "operativa", cases=30, closed=20, returned=18)
    assert intervention_usage.usage_display(almost_all, 5)["Varav återgått till undervisning"] == "<5"
    assert intervention_usage.usage_display(almost_all, 5)["Andel återgått (%)"] == "–"
    # Small numbers are hidden, and so is a share that rests on them.
    assert intervention_usage.usage_display(bup, 5) == {"Använd i ärenden": "<5", "Avslutade ärenden": "<5",
                                                   "Varav återgått till undervisning": "<5", "Andel återgått (%)": "–"}
    assert intervention_usage.usage_display(dog, 5)["Varav återgått till undervisning"] == "<5"
    assert intervention_usage.usage_display(dog, 5)["Andel återgått (%)"] == "–"
    assert intervention_usage.usage_display(None, 5)["Använd i ärenden"] == "<5"


def test_team_leader_promotes_a_custom_intervention(session, frozen_clock):
    real = (config.DATA_DIR / "interventions.yaml").read_bytes()
    build_usage_fixture(session)
    with pytest.raises(NotAllowed):
        catalogue.promote(session, name="Skolhund", kind="operativa", description="", by="anna", role="koordinator")
    with pytest.raises(errors.FieldError) as err:
        catalogue.promote(session, name="fika med eleven", kind="operativa", description="", by="tl",
                              role="teamledare")
    assert err.value.field == "name"

    new = catalogue.promote(session, name="Skolhund", kind="operativa",
                                description="Eleven går en promenad med skolans hund före första lektionen.",
                                by="tl", role="teamledare")
    assert new.key == "skolhund"
    # Kept in the database, where every app server reads it; data/interventions.yaml stays the shipped list.
    row = session.exec(select(CatalogueEntry).where(CatalogueEntry.key == "skolhund")).one()
    assert (row.kind, row.name, row.description, row.created_by) == (
        "operativa", "Skolhund", "Eleven går en promenad med skolans hund före första lektionen.", "tl")
    assert catalogue.find_definition(session, "skolhund")[0] == "operativa"
    assert [d.key for d in catalogue.catalogue(session, "skolhund")["operativa"]] == ["skolhund"]
    # Cases that used it as a custom intervention now count under the list entry.
    rows = {(u.key, u.name): u for u in intervention_usage.usage(session)}
    assert (rows[("skolhund", "Skolhund")].cases, rows[("skolhund", "Skolhund")].returned) == (6, 4)
    assert (None, "Skolhund") not in rows
    session.flush()
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == audit.CONFIG)).one()
    assert entry.username == "tl" and "Skolhund" in entry.detail
    # A name with Swedish letters gets an ASCII key, and a clash gets a number.
    again = catalogue.promote(session, name="Skolhund på gården", kind="samordnande", description="", by="tl",
                                  role="teamledare")
    assert again.key == "skolhund_pa_garden"
    assert catalogue.promote(session, name="Skolhund!", kind="operativa", description="", by="tl",
                                 role="teamledare").key == "skolhund_2"
    assert hashlib.sha256((config.DATA_DIR / "interventions.yaml").read_bytes()).digest() == hashlib.sha256(real).digest()


def test_two_app_servers_promoting_the_same_name_at_once_leave_one_entry(engine, frozen_clock, monkeypatch):
    """The unique name in the table decides, not a lock in one process: the second server read the list before the
    first one wrote, passes its own check, and is still refused by the database, with the same message."""
    with Session(engine) as first:
        catalogue.promote(first, name="Skolhund", kind="operativa", description="", by="tl1", role="teamledare")
        first.commit()
    stale = config.get_config().interventions.all()  # what the second server saw: the list without Skolhund
    monkeypatch.setattr(catalogue, "entries", lambda session: stale)
    with Session(engine) as second:
        with pytest.raises(errors.FieldError, match="finns redan"):
            catalogue.promote(second, name="skolhund ", kind="operativa", description="", by="tl2", role="teamledare")
        second.rollback()
    with Session(engine) as s:
        assert [r.name for r in s.exec(select(CatalogueEntry)).all()] == ["Skolhund"]


def test_supporting_work_is_a_kind_beside_coordinating_and_operative(engine, case_id):
    """Issue 17, item 15 (001:56–59): stödjande insatser, picked from the list or custom, held to the consent rule
    when an external actor is involved, and counted under their own kind."""
    assert catalogue.KINDS == ("samordnande", "stodjande", "operativa")
    assert catalogue.KIND_LABELS["stodjande"] == "Stödjande"
    with Session(engine) as s:
        found = catalogue.catalogue(s, "handledande")
    assert [d.key for d in found["stodjande"]] == ["konsultativt_handledande"]
    with pytest.raises(MissingConsent):
        with db.session_scope(engine) as s:
            interventions.add_intervention(s, case_id, 1, by="anna", intervention_key="lank_mellan_parter",
                                           performed_by="Koordinator", actor_type="Socialtjänst")
    with db.session_scope(engine) as s:
        interventions.add_intervention(s, case_id, 1, by="anna", intervention_key="konsultativt_handledande",
                                       performed_by="Koordinator")
        interventions.add_intervention(s, case_id, 2, by="anna", name="Handledning av mentor", kind="stodjande",
                                       performed_by="Koordinator")
        interventions.add_intervention(s, case_id, 3, by="anna", intervention_key="sms_morgon",
                                       performed_by="Koordinator")
        interventions.add_intervention(s, case_id, 4, by="anna", intervention_key="kontakt_myndigheter",
                                       performed_by="Koordinator")
    with Session(engine) as s:
        kinds = [ci.kind for ci in interventions.for_case(s, case_id)]
    assert kinds == ["samordnande", "stodjande", "stodjande", "operativa"]  # in the kinds' order
    assert "Insats tillagd: Konsultativt, handledande stöd, stödjande" in " ".join(_events(engine, case_id, "insats"))
