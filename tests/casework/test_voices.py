"""Issue 17, item 13: the pupil's voice and the guardians' (002:39, 003:437), and the pupil's majority at 18 for
who gives consent (002:62). Both databases."""
import datetime as dt

import pytest
from sqlmodel import Session

from narvaro.casework import actors, cases, consent, interventions, pupil, voices
from narvaro.core.errors import FieldError, MissingConsent
from narvaro.core.models import Case
from tests.casework.test_workflow import new_case, run

D = dt.date


def test_the_pupils_and_guardians_views_are_recorded_and_kept(engine, frozen_clock):
    case_id = new_case(engine)
    for bad, field in ((dict(speaker="Mentor"), "speaker"), (dict(view=" "), "voice_text"),
                       (dict(on_date=D(2025, 9, 16)), "voice_date"), (dict(on_date=D(2025, 8, 1)), "voice_date")):
        args = dict(speaker="Elev", on_date=D(2025, 9, 1), view="Vill börja med två dagar i veckan.", **{})
        args.update(bad)
        with pytest.raises(FieldError) as err:
            run(engine, voices.add_voice, case_id, by="anna", **args)
        assert err.value.field == field
    run(engine, voices.add_voice, case_id, speaker="Elev", on_date=D(2025, 9, 1),
        view="Vill börja med två dagar i veckan, inte på måndagar.", by="anna")
    run(engine, voices.add_voice, case_id, speaker="Vårdnadshavare 1", on_date=D(2025, 9, 2),
        view="Önskar skjuts första veckan.", by="anna")
    run(engine, voices.add_voice, case_id, speaker="Elev", on_date=D(2025, 9, 12),
        view="Nu går det bättre; vill prova tre dagar.", by="anna")
    with Session(engine) as s:
        said = [(v.speaker, v.on_date, v.text[:20]) for v in voices.voices_for(s, case_id)]
    assert said == [("Elev", D(2025, 9, 1), "Vill börja med två d"),
                    ("Vårdnadshavare 1", D(2025, 9, 2), "Önskar skjuts första"),
                    ("Elev", D(2025, 9, 12), "Nu går det bättre; v")]


@pytest.mark.parametrize("birth_year,pnr,on,expected", [
    (2007, None, D(2025, 9, 15), None),        # turns 18 during 2025: cannot be told from the year alone
    (2007, None, D(2025, 12, 31), True),
    (2006, None, D(2025, 1, 1), True),
    (2008, None, D(2025, 12, 31), False),
    (None, "20070916-1234", D(2025, 9, 15), False),  # the day before the 18th birthday
    (None, "20070916-1234", D(2025, 9, 16), True),
    (None, "20070976-1234", D(2025, 9, 16), True),   # samordningsnummer: day + 60
    (None, None, D(2025, 9, 16), None),
])
def test_majority_from_personnummer_or_birth_year(birth_year, pnr, on, expected):
    case = Case(number="X", pupil_code="X", school_form="Grundskola", provider="Kommunal", received_on=on,
                birth_year=birth_year, personal_number=pnr)
    assert pupil.of_age(case, on) is expected


def test_at_eighteen_only_the_pupil_consents_and_guardian_consent_lapses(engine, frozen_clock):
    frozen_clock(D(2025, 9, 1))
    case_id = new_case(engine, personal_number="20070916-1234", birth_year=2007)
    run(engine, consent.add_consent, case_id, given_by="Vårdnadshavare 1", actors=["BUP"], given_on=D(2025, 9, 1),
        valid_until=None, by="anna")
    run(engine, actors.add_actor, case_id, actor_type="BUP", organisation="BUP Uppsala", contact_person="Handläggare H",
        by="anna")
    with Session(engine) as s:
        assert consent.covered_actors(s, case_id, D(2025, 9, 15)) == {"BUP"}
        assert consent.covered_actors(s, case_id, D(2025, 9, 16)) == set()  # 18 on 2025-09-16
    frozen_clock(D(2025, 9, 20))
    with Session(engine) as s:
        assert actors.actors_without_consent(s, case_id) == ["BUP"]
    with pytest.raises(MissingConsent):
        run(engine, interventions.add_intervention, case_id, intervention_key="kontakt_bup_hab",
            performed_by="Koordinator", actor_type="BUP", by="anna")
    with pytest.raises(FieldError, match="Eleven är myndig") as err:
        run(engine, consent.add_consent, case_id, given_by="Vårdnadshavare 2", actors=["BUP"],
            given_on=D(2025, 9, 20), valid_until=None, by="anna")
    assert err.value.field == "given_by"
    run(engine, consent.add_consent, case_id, given_by="Elev", actors=["BUP"], given_on=D(2025, 9, 20),
        valid_until=None, by="anna")
    run(engine, interventions.add_intervention, case_id, intervention_key="kontakt_bup_hab",
        performed_by="Koordinator", actor_type="BUP", by="anna")
    with Session(engine) as s:
        assert [ci.actor_type for ci in interventions.for_case(s, case_id)] == ["BUP"]
        assert pupil.of_age(cases.get_case(s, case_id)) is True
