"""Issue 17, item 11: work with schools that is not a case (003:701-702), counted per year, and which schools and
districts refer cases and which never have (000:121). Both databases."""
import datetime as dt

import pytest
from sqlmodel import Session

from narvaro.casework import cases, schools
from narvaro.core import db
from narvaro.core.errors import FieldError, NotAllowed
from narvaro.reporting import school_reach, tables
from narvaro.reporting.indicators import Period

D = dt.date


def _school(s, name, district, form="Grundskola", provider="Kommunal"):
    return schools.add_school(s, name=name, school_form=form, provider=provider, district=district, by="tl",
                              role="teamledare")


def _case(s, school, received, n):
    cases.create_case(s, dict(pupil_code=f"P{n}", school_id=school.id, school_form=school.school_form,
                              provider=school.provider, district=school.district, received_on=received), "tl")


@pytest.fixture
def built(engine, frozen_clock):
    with db.session_scope(engine) as s:
        norr, syd, ost, fri = (_school(s, "Norrskolan", "vo1"), _school(s, "Sydskolan", "vo1"),
                               _school(s, "Östskolan", "vo2"), _school(s, "Friskolan", None, provider="Fristående"))
        _case(s, norr, D(2024, 3, 1), 1)
        _case(s, norr, D(2024, 5, 1), 2)
        _case(s, syd, D(2023, 5, 1), 3)   # referred before, not in 2024
        _case(s, ost, D(2025, 1, 10), 4)  # after the period: Östskolan has never referred, as of 2024
        for school, kind, day, minutes in ((ost, "Informationsbesök", D(2024, 2, 1), 60),
                                           (ost, "Öppen teamträff", D(2024, 4, 1), 90),
                                           (norr, "Öppen teamträff", D(2024, 4, 8), 90),
                                           (fri, "Råd och stöd", D(2023, 12, 1), 45)):
            schools.record_activity(s, school_id=school.id, kind=kind, held_on=day, minutes=minutes, note=None,
                                    by="anna", role="koordinator")
    return engine


def test_activities_are_counted_per_year(built):
    with Session(built) as s:
        rows = {r.kind: (r.count, r.minutes, r.schools) for r in school_reach.activities(s, Period.year(2024))}
        last_year = {r.kind: r.count for r in school_reach.activities(s, Period.year(2023))}
        table = tables.build(s, Period.year(2024), role="teamledare").table("skolarbete")
    assert rows == {"Råd och stöd": (0, 0, 0), "Öppen teamträff": (2, 180, 2), "Informationsbesök": (1, 60, 1)}
    assert last_year["Råd och stöd"] == 1
    assert table.df.values.tolist() == [["Råd och stöd", 0, 0.0, 0], ["Öppen teamträff", 2, 3.0, 2],
                                        ["Informationsbesök", 1, 1.0, 1]]


def test_which_schools_and_districts_refer_cases_and_which_never_have(built):
    with Session(built) as s:
        by_school = {r.name: (r.referred, r.referred_ever, r.never, r.activities)
                     for r in school_reach.schools(s, Period.year(2024))}
        by_district = {r.district: (r.schools, r.schools_referring, r.schools_never, r.cases)
                       for r in school_reach.districts(s, Period.year(2024))}
    assert by_school == {"Norrskolan": (2, 2, False, 1), "Sydskolan": (0, 1, False, 0),
                         "Östskolan": (0, 0, True, 2), "Friskolan": (0, 0, True, 0)}
    assert by_district["Verksamhetsområde 1"] == (2, 1, 0, 2)
    assert by_district["Verksamhetsområde 2"] == (1, 0, 1, 0)
    assert by_district["Verksamhetsområde 3"] == (0, 0, 0, 0)  # a district with no school registered shows too
    assert by_district[school_reach.NO_DISTRICT] == (1, 0, 1, 0)


def test_recording_is_checked_and_only_for_case_workers(built):
    with db.session_scope(built) as s:
        school_id = next(iter(schools.school_choices(s)))
        with pytest.raises(NotAllowed):
            schools.record_activity(s, school_id=school_id, kind="Råd och stöd", held_on=D(2024, 1, 1), minutes=30,
                                    note=None, by="reg", role="registrator")
        for bad, field in ((dict(kind="Fika"), "kind"), (dict(minutes=0), "minutes"), (dict(minutes=12.5), "minutes"),
                           (dict(held_on=D(2025, 9, 16)), "held_on"), (dict(school_id=None), "school_id")):
            args = dict(school_id=school_id, kind="Råd och stöd", held_on=D(2024, 1, 1), minutes=30, note=None)
            args.update(bad)
            with pytest.raises(FieldError) as err:
                schools.record_activity(s, by="anna", role="koordinator", **args)
            assert err.value.field == field
        with pytest.raises(FieldError, match="finns redan"):
            _school(s, "norrskolan", "vo1")
