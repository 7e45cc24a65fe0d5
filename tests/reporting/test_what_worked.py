"""What worked, per intervention, counted by hand: median attendance change, median months to closing and the share
returned, among the closed cases that used it; small numbers hidden for every role. SQLite and PostgreSQL."""
import datetime as dt

from narvaro.core import db
from narvaro.core.models import CaseIntervention
from narvaro.reporting import what_worked
from tests.reporting.test_indicators import MOVED, RETURNED, _case

D = dt.date


def _use(s, case_id, key=None, name=None, kind="operativa"):
    s.add(CaseIntervention(case_id=case_id, intervention_key=key, name=name or key, kind=kind, created_by="t"))


def build(s):
    # (number, received, closed, absence at intake, attendance at closing, reason)
    rows = [("H1", D(2024, 1, 1), D(2024, 3, 1), 60, 90, RETURNED),    # 60 days, +50
            ("H2", D(2024, 1, 1), D(2024, 4, 10), 50, 60, RETURNED),   # 100 days, +10
            ("H3", D(2024, 2, 1), D(2024, 3, 2), 30, 60, MOVED),       # 30 days, -10
            ("H4", D(2024, 1, 1), D(2024, 7, 19), 80, 50, RETURNED),   # 200 days, +30
            ("H5", D(2024, 1, 1), D(2024, 2, 10), None, 70, RETURNED),  # 40 days, no intake figure
            ("H6", D(2024, 3, 1), D(2024, 5, 20), 40, 80, MOVED)]      # 80 days, +20
    ids = {}
    for number, received, closed, absence, at_closing, reason in rows:
        ids[number] = _case(s, number, received, assigned=received, closed=closed, reason=reason, absence=absence,
                            at_closing=at_closing).id
        _use(s, ids[number], "hembesok")
    _use(s, ids["H6"], "hembesok")  # picked twice in one case: counts once
    ids["H7"] = _case(s, "H7", D(2024, 5, 1), assigned=D(2024, 5, 2), absence=90).id  # open: not counted
    _use(s, ids["H7"], "hembesok")
    for number in ("H1", "H3"):
        _use(s, ids[number], "sms_morgon")
    _use(s, ids["H2"], name="Promenad till skolan")  # a custom intervention
    s.flush()
    return ids


def test_medians_and_share_per_intervention(engine):
    with db.session_scope(engine) as s:
        build(s)
        got = {w.name: w for w in what_worked.compute(s)}
    home = got["Komma hem till eleven och skapa relation"]
    # Changes -10, 10, 20, 30, 50 -> 20; days 30, 40, 60, 80, 100, 200 -> 70 / 30.4375 = 2.30 months.
    assert (home.closed, home.returned, home.n_change, home.median_change, home.median_months) == (6, 4, 5, 20.0, 2.3)
    assert home.returned_share == 66.67
    sms = got["SMS-kontakt varje morgon"]  # H1 (+50, 60 d) and H3 (-10, 30 d): the mean of the two middle values
    assert (sms.closed, sms.returned, sms.median_change, sms.median_months) == (2, 1, 20.0, 1.48)
    custom = got["Promenad till skolan"]
    assert (custom.key, custom.closed, custom.median_change, custom.median_months) == (None, 1, 10.0, 3.29)


def test_the_period_counts_cases_closed_in_it(engine):
    with db.session_scope(engine) as s:
        build(s)
        march = {w.name: w for w in what_worked.compute(s, D(2024, 3, 1), D(2024, 3, 31))}
    home = march["Komma hem till eleven och skapa relation"]
    assert (home.closed, home.returned, home.median_change, home.median_months) == (2, 1, 20.0, 1.48)


def test_small_numbers_are_hidden_for_every_role(engine):
    with db.session_scope(engine) as s:
        build(s)
        got = {w.name: w for w in what_worked.compute(s)}
    shown = what_worked.display(got["Komma hem till eleven och skapa relation"], 5)
    # Six closed, five with both attendance figures; but only two did not return, so the share is hidden.
    assert list(shown.values()) == [6, 20.0, 2.3, "–"]
    assert list(what_worked.display(got["SMS-kontakt varje morgon"], 5).values()) == ["<5", "–", "–", "–"]
    assert list(what_worked.display(got["Komma hem till eleven och skapa relation"], 2).values()) == [
        6, 20.0, 2.3, 66.67]
    assert list(what_worked.display(None, 5).values()) == ["<5", None, None, None]
