"""Import of earlier cases: good CSV (both separators, BOM) and Excel, bad rows (nothing written, each one
reported), re-import without duplicates, and imported closed cases counted like closed cases in the app.
Every test runs on SQLite and PostgreSQL."""
import datetime as dt
import io
import unicodedata

import pytest
from sqlmodel import Session, func, select

from narvaro import cli
from narvaro.core import db
from narvaro.core.models import ASSIGNED, CLOSED, QUEUED, Assignment, AuditEntry, Case, School, User
from narvaro.dataio import importer
from narvaro.reporting import indicators
from narvaro.reporting.indicators import Period

HEADER = ["Ärendenummer", "Elev-ID", "Inkom", "Avslutad", "Skolform", "Huvudman", "Kön", "Skola", "Årskurs",
          "Koordinator", "Avslutsorsak"]
GOOD = [
    ["NK-2022-0001", "E-101", "2022-02-01", "2022-06-15", "grundskola", "Kommunal", "flicka",
     "Norrskolan", "7", "Åsa Öberg", "återgått till undervisning "],
    ["NK-2022-0002", "", "2022-03-10", "", " GYMNASIESKOLA", "fristående", "Pojke", "Södra gymnasiet", "2",
     "Åsa Öberg", ""],
    ["", "E-103", "2023-01-05", "", "Anpassad grundskola", "Kommunal", "", "", "", "", ""],
    ["NK-2023-0004", "E-104", "2023-04-01", "2023-10-01", "Grundskola", "Fristående ", "Pojke", "norrskolan",
     "9", "", "Flyttat från kommunen"],
]


def csv_bytes(rows, sep=";", bom=True, header=HEADER) -> bytes:
    text = "\r\n".join(sep.join(cells) for cells in [header] + rows) + "\r\n"
    return text.encode("utf-8-sig" if bom else "utf-8")


def xlsx_bytes(rows, header=HEADER) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _import(engine, data, name="arenden.csv", dry_run=False):
    with db.session_scope(engine) as s:
        return importer.import_file(s, data, name, "tester", dry_run=dry_run)


def _counts(engine):
    with Session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one() for t in (Case, School, User, Assignment))


@pytest.mark.parametrize("sep,bom", [(";", True), (",", False)])
def test_good_csv_both_separators_with_and_without_bom(engine, frozen_clock, sep, bom):
    report = _import(engine, csv_bytes(GOOD, sep=sep, bom=bom))
    assert report.ok and report.written, report.lines()
    assert (report.rows, report.new, report.existing) == (4, 4, 0)
    assert report.new_schools == ["Norrskolan", "Södra gymnasiet"]  # 'norrskolan' is the same school
    assert report.new_coordinators == ["Åsa Öberg (import.asa.oberg)"]
    with Session(engine) as s:
        by_number = {c.number: c for c in s.exec(select(Case)).all()}
        assert set(by_number) == {"NK-2022-0001", "NK-2022-0002", "NK-2023-0001", "NK-2023-0004"}
        first = by_number["NK-2022-0001"]
        # Stored as the canonical labels from data/reference.yaml.
        assert (first.school_form, first.provider, first.sex, first.closure_reason) == (
            "Grundskola", "Kommunal", "Flicka", "Återgått till undervisning")
        assert (first.status, first.closed_on, first.pupil_code) == (CLOSED, dt.date(2022, 6, 15), "E-101")
        second = by_number["NK-2022-0002"]
        assert (second.school_form, second.provider, second.status) == ("Gymnasieskola", "Fristående", ASSIGNED)
        assert second.assigned_on == second.received_on and second.current_step == "start"
        assert second.pupil_code.startswith(importer.GENERATED_CODE_PREFIX)  # generated, pseudonymous
        generated = by_number["NK-2023-0001"]  # number generated from the received year
        assert (generated.status, generated.sex, generated.school_id) == (QUEUED, None, None)
        assert by_number["NK-2023-0004"].school_id == first.school_id
        user = s.exec(select(User).where(User.username == "import.asa.oberg")).one()
        assert (user.name, user.role, user.active, user.password_hash) == ("Åsa Öberg", "koordinator", False, None)
        assigned = s.exec(select(Assignment.case_id).where(Assignment.user_id == user.id)).all()
        assert sorted(assigned) == sorted([first.id, second.id])
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "import")).one()
        assert entry.username == "tester" and "4 nya ärenden" in entry.detail


def test_good_xlsx_with_date_cells(engine, frozen_clock):
    rows = [
        ["NK-2021-0007", "E-7", dt.datetime(2021, 9, 1), dt.datetime(2022, 1, 20), "Grundskola", "Kommunal",
         "Pojke", "Västerskolan", 8, "Bo Ek", "Övrigt"],
        [None, None, "2024-02-02", None, "Gymnasieskola", "Kommunal", None, None, None, None, None],
    ]
    report = _import(engine, xlsx_bytes(rows), "historik.xlsx")
    assert report.ok and (report.new, report.existing) == (2, 0), report.lines()
    with Session(engine) as s:
        case = s.exec(select(Case).where(Case.number == "NK-2021-0007")).one()
        assert (case.received_on, case.closed_on, case.school_year, case.closure_reason) == (
            dt.date(2021, 9, 1), dt.date(2022, 1, 20), "8", "Övrigt")
        assert s.exec(select(Case).where(Case.number == "NK-2024-0001")).one().status == QUEUED


BAD = [
    # line 2: fine
    ["NK-2022-0001", "E-1", "2022-01-10", "", "Grundskola", "Kommunal", "", "", "", "", ""],
    # line 3: unknown school form
    ["NK-2022-0002", "E-2", "2022-01-11", "", "Förskola", "Kommunal", "", "", "", "", ""],
    # line 4: a received date that is not a date
    ["NK-2022-0003", "E-3", "10/1/2022", "", "Grundskola", "Kommunal", "", "", "", "", ""],
    # line 5: closed before received
    ["NK-2022-0004", "E-4", "2022-05-01", "2022-04-01", "Grundskola", "Kommunal", "", "", "", "", "Övrigt"],
    # line 6: duplicate case number of line 2
    ["nk-2022-0001 ", "E-5", "2022-01-12", "", "Grundskola", "Kommunal", "", "", "", "", ""],
    # line 7: closing reason not in data/
    ["NK-2022-0006", "E-6", "2022-01-13", "2022-03-01", "Grundskola", "Kommunal", "", "", "", "", "Tröttnade"],
    # line 8: missing required provider, and an impossible date
    ["NK-2022-0007", "E-7", "2022-02-30", "", "Grundskola", "", "", "", "", "", ""],
]


def test_bad_rows_write_nothing_and_every_row_is_reported(engine, frozen_clock):
    before = _counts(engine)
    report = _import(engine, csv_bytes(BAD))
    assert not report.ok and not report.written
    found = {(p.line, p.column) for p in report.problems}
    assert found == {(3, "Skolform"), (4, "Inkom"), (5, "Avslutad"), (6, "Ärendenummer"), (7, "Avslutsorsak"),
                     (8, "Huvudman"), (8, "Inkom")}
    messages = {(p.line, p.column): p.message for p in report.problems}
    assert "okänd skolform" in messages[(3, "Skolform")] and "Förskola" in messages[(3, "Skolform")]
    assert "inget datum" in messages[(4, "Inkom")]
    assert "före inkom" in messages[(5, "Avslutad")]
    assert "rad 2" in messages[(6, "Ärendenummer")]
    assert "finns inte i data/reference.yaml" in messages[(7, "Avslutsorsak")]
    assert "saknas" in messages[(8, "Huvudman")]
    assert "6 av 7 rader har fel" in report.summary()
    assert _counts(engine) == before  # all or nothing


def test_missing_required_column_is_a_file_problem(engine):
    header = [h for h in HEADER if h != "Huvudman"]
    report = _import(engine, csv_bytes([["", "", "2022-01-01", "", "Grundskola", "", "", "", "", ""]], header=header))
    assert not report.ok and report.problems[0].line == 1 and "Huvudman" in report.problems[0].message


def test_reimport_skips_existing_numbers(engine, frozen_clock):
    data = csv_bytes(GOOD)
    assert _import(engine, data).new == 4
    counts = _counts(engine)
    again = _import(engine, data)
    # The row without a number is recognised by its Elev-ID and Inkom.
    assert again.ok and (again.new, again.existing) == (0, 4)
    assert "0 nya ärenden importerade, 4 fanns redan" in again.summary()
    assert _counts(engine) == counts  # no duplicate cases, schools or users


def test_rows_without_number_and_pupil_code_are_flagged(engine, frozen_clock):
    row = ["", "", "2023-01-05", "", "Grundskola", "Kommunal", "", "", "", "", ""]
    report = _import(engine, csv_bytes([row]), dry_run=True)
    assert report.ok and report.new == 1
    assert any("saknar både ärendenummer och elev-ID" in w for w in report.warnings)


def test_dry_run_reports_counts_and_writes_nothing(engine, frozen_clock):
    before = _counts(engine)
    report = _import(engine, csv_bytes(GOOD), dry_run=True)
    assert report.ok and not report.written and (report.new, report.existing) == (4, 0)
    assert report.new_coordinators == ["Åsa Öberg"]
    assert _counts(engine) == before
    with Session(engine) as s:
        assert s.exec(select(AuditEntry)).all() == []


def test_imported_closed_cases_count_like_closed_cases(engine, frozen_clock):
    _import(engine, csv_bytes(GOOD))
    with Session(engine) as s:
        ind = indicators.compute(s, Period.year(2022))
        assert (ind.incoming, ind.closed, ind.returned_to_school) == (2, 1, 1)
        assert ind.case_time.mean_days == (dt.date(2022, 6, 15) - dt.date(2022, 2, 1)).days
        assert {"skolform": "Grundskola", "huvudman": "Kommunal", "kon": "Flicka", "count": 1} in ind.incoming_breakdown
        assert indicators.compute(s, Period.year(2023)).closure_reasons["Flyttat från kommunen"] == 1


def test_cli_import_exit_status_and_dry_run(db_url, tmp_path, frozen_clock, capsys):
    bad = tmp_path / "fel.csv"
    bad.write_bytes(csv_bytes(BAD))
    assert cli.main(["--database-url", db_url, "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "Rad 3, Skolform" in err and "Ingenting är importerat" in err
    good = tmp_path / "bra.csv"
    good.write_bytes(csv_bytes(GOOD, sep=","))
    assert cli.main(["--database-url", db_url, "import", "--dry-run", str(good)]) == 0
    out = capsys.readouterr().out
    assert "4 nya ärenden kan importeras" in out and "Provkörning" in out
    engine = db.make_engine(db_url)
    assert _counts(engine)[0] == 0
    assert cli.main(["--database-url", db_url, "import", str(good)]) == 0
    assert _counts(engine)[0] == 4
    engine.dispose()


def test_decomposed_letters_from_a_mac_match_the_lists(engine, frozen_clock):
    """macOS may save "å" as "a" + a combining ring (NFD); the values still match data/ and known schools."""
    nfd = [[unicodedata.normalize("NFD", cell) for cell in row] for row in GOOD]
    report = _import(engine, csv_bytes(nfd))
    assert report.ok and report.written, report.lines()
    assert report.new_schools == ["Norrskolan", "Södra gymnasiet"]
    with Session(engine) as s:
        first = s.exec(select(Case).where(Case.number == "NK-2022-0001")).one()
        assert (first.provider, first.closure_reason) == ("Kommunal", "Återgått till undervisning")
        assert s.exec(select(Case).where(Case.number == "NK-2023-0004")).one().provider == "Fristående"
