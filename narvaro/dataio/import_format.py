"""The import's file format and its checks: reading CSV or Excel, and checking every row before anything is written.

The file format (Swedish headers, any order) is the one `narvaro.dataio.exporter` writes, so an export can be
imported into a fresh database. Only Inkom, Skolform and Huvudman are required. Values from data/
(school form, provider, sex, closing reason, effect ratings, district) are matched without regard to
case and surrounding spaces and stored as the canonical label, since the indicators group on labels.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlmodel import Session, select

from narvaro.core import clock
from narvaro.core.config import Config, get_config
from narvaro.core.errors import FieldError
from narvaro.core.models import Case, School, User
from narvaro.core.text import fold
from narvaro.dataio.table_reader import cell_text, read_table

# Header → Case attribute (or a pseudo-field resolved on write). The first eleven are the team's
# spreadsheet columns; the rest are written by the export so that a round trip keeps every indicator.
COLUMNS: dict[str, str] = {
    "Ärendenummer": "number",
    "Elev-ID": "pupil_code",
    "Inkom": "received_on",
    "Avslutad": "closed_on",
    "Skolform": "school_form",
    "Huvudman": "provider",
    "Kön": "sex",
    "Skola": "school",
    "Årskurs": "school_year",
    "Koordinator": "coordinator",
    "Avslutsorsak": "closure_reason",
    "Tilldelad": "assigned_on",
    "Verksamhetsområde": "district",
    "Frånvaro vid inkomst (%)": "absence_percent_intake",
    "Närvaro vid avslut (%)": "attendance_at_closing",
    "Effekt operativa insatser": "effect_operative",
    "Effekt samordnande insatser": "effect_coordinating",
}
REQUIRED = ("Inkom", "Skolform", "Huvudman")
GENERATED_CODE_PREFIX = "IMP-"
IMPORT_USER_PREFIX = "import."
_MAX_LEN = {"number": 20, "pupil_code": 40, "school": 200, "school_year": 10, "coordinator": 120}
_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00)?)?$")


@dataclass(frozen=True)
class Problem:
    line: int          # as the user sees it: the header is line 1
    column: str
    message: str


@dataclass
class Row:
    line: int
    values: dict[str, Any]  # attribute → parsed value (None when empty)


@dataclass
class Report:
    file_name: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new: int = 0
    existing: int = 0
    existing_numbers: list[str] = field(default_factory=list)
    skipped_lines: list[int] = field(default_factory=list)  # rows already in the database
    new_schools: list[str] = field(default_factory=list)
    new_coordinators: list[str] = field(default_factory=list)  # "Namn (användarnamn)" once written
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.problems:
            bad = len({p.line for p in self.problems})
            return (f"{self.file_name}: {bad} av {self.rows} rader har fel. Ingenting är importerat; "
                    "rätta raderna och importera filen igen.")
        done = "importerade" if self.written else "kan importeras"
        return (f"{self.file_name}: {self.rows} rader, {self.new} nya ärenden {done}, "
                f"{self.existing} fanns redan (hoppas över).")

    def lines(self) -> list[str]:
        """The report as text lines (command line and the page's text view)."""
        out = [self.summary()]
        out += [f"Rad {p.line}, {p.column}: {p.message}" for p in self.problems]
        out += [f"Obs: {w}" for w in self.warnings]
        if self.new_schools:
            out.append("Nya skolor" + (" (skapade)" if self.written else " (skapas)") + ": "
                       + ", ".join(self.new_schools))
        if self.new_coordinators:
            out.append("Nya koordinatorer utan inloggning" + (" (skapade)" if self.written else " (skapas)")
                       + ": " + ", ".join(self.new_coordinators))
        return out


def _map_header(header: list[Any]) -> tuple[dict[int, str], list[str]]:
    known = {fold(label): label for label in COLUMNS}
    index: dict[int, str] = {}
    warnings: list[str] = []
    seen: dict[str, int] = {}
    for i, cell in enumerate(header):
        name = cell_text(cell)
        if not name:
            continue
        label = known.get(fold(name))
        if label is None:
            warnings.append(f"Kolumnen \"{name}\" känns inte igen och lästes inte.")
            continue
        if label in seen:
            raise FieldError("file", f"Kolumnen \"{label}\" finns två gånger i rubrikraden.")
        seen[label] = i
        index[i] = label
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise FieldError("file", "Rubrikraden (rad 1) saknar " + ", ".join(f"\"{m}\"" for m in missing)
                          + ". Kolumnerna som krävs är " + ", ".join(REQUIRED) + ".")
    return index, warnings


# --- checking values -----------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _fold(text: str) -> str:
    """fold(), remembered: a file of 50,000 rows repeats the same few hundred values."""
    return fold(text)


def _match(value: str, labels: Iterable[str]) -> str | None:
    wanted = _fold(value)
    return next((label for label in labels if _fold(label) == wanted), None)


def _date(value: Any) -> dt.date | str:
    """A date, or the Swedish message saying why not."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    m = _DATE.match(text)
    if m:
        try:
            return dt.date.fromisoformat(m.group(1))
        except ValueError:
            pass
    return f"\"{text}\" är inget datum. Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2024-03-18."


def _percent(value: Any) -> float | str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    else:
        text = cell_text(value).replace("%", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return f"\"{cell_text(value)}\" är inget tal. Skriv procent som ett tal mellan 0 och 100."
    if not 0 <= number <= 100:
        return f"{cell_text(value)} ligger inte mellan 0 och 100."
    return number


def _allowed(labels: Iterable[str]) -> str:
    return ", ".join(labels)


def check_row(line: int, raw: dict[str, Any], cfg: Config, today: dt.date) -> tuple[Row, list[Problem]]:
    ref = cfg.reference
    problems: list[Problem] = []
    values: dict[str, Any] = {}

    def bad(column: str, message: str) -> None:
        problems.append(Problem(line, column, message))

    for label in REQUIRED:
        if not cell_text(raw.get(label)):
            bad(label, "värde saknas (kolumnen måste vara ifylld).")

    for label, attr, labels in (
        ("Skolform", "school_form", ref.school_forms),
        ("Huvudman", "provider", ref.providers),
        ("Kön", "sex", ref.sexes),
        ("Avslutsorsak", "closure_reason", ref.closure_labels),
        ("Effekt operativa insatser", "effect_operative", ref.effect_ratings),
        ("Effekt samordnande insatser", "effect_coordinating", ref.effect_ratings),
    ):
        text = cell_text(raw.get(label))
        values[attr] = None
        if text:
            canonical = _match(text, labels)
            if canonical is None:
                what = {"Skolform": "okänd skolform", "Huvudman": "okänd huvudman", "Kön": "okänt kön",
                        "Avslutsorsak": "avslutsorsaken finns inte i data/reference.yaml"}.get(label, "okänt värde")
                bad(label, f"{what}: \"{text}\". Tillåtna värden: {_allowed(labels)}.")
            values[attr] = canonical

    district_text = cell_text(raw.get("Verksamhetsområde"))
    values["district"] = None
    if district_text:
        d = next((d.key for d in ref.districts if _fold(d.key) == _fold(district_text)
                  or _fold(d.name) == _fold(district_text)), None)
        if d is None:
            bad("Verksamhetsområde", f"okänt verksamhetsområde \"{district_text}\". Tillåtna värden: "
                + _allowed(d.name for d in ref.districts) + ".")
        values["district"] = d

    for label, attr in (("Inkom", "received_on"), ("Avslutad", "closed_on"), ("Tilldelad", "assigned_on")):
        values[attr] = None
        if cell_text(raw.get(label)) or isinstance(raw.get(label), (dt.date, dt.datetime)):
            parsed = _date(raw.get(label))
            if isinstance(parsed, str):
                bad(label, parsed)
            elif parsed > today:
                bad(label, f"{parsed.isoformat()} ligger i framtiden.")
            else:
                values[attr] = parsed
    received, closed, assigned = values["received_on"], values["closed_on"], values["assigned_on"]
    if received and closed and closed < received:
        bad("Avslutad", f"avslutad {closed.isoformat()} ligger före inkom {received.isoformat()}.")
    if received and assigned and assigned < received:
        bad("Tilldelad", f"tilldelad {assigned.isoformat()} ligger före inkom {received.isoformat()}.")
    if closed and assigned and assigned > closed:
        bad("Tilldelad", f"tilldelad {assigned.isoformat()} ligger efter avslutad {closed.isoformat()}.")
    if values["closure_reason"] and not cell_text(raw.get("Avslutad")):
        bad("Avslutsorsak", "avslutsorsak är ifylld men Avslutad saknas. Fyll i avslutsdatum eller töm avslutsorsaken.")

    for label, attr in (("Frånvaro vid inkomst (%)", "absence_percent_intake"),
                        ("Närvaro vid avslut (%)", "attendance_at_closing")):
        values[attr] = None
        if cell_text(raw.get(label)):
            parsed = _percent(raw.get(label))
            if isinstance(parsed, str):
                bad(label, parsed)
            else:
                values[attr] = parsed

    for label, attr in (("Ärendenummer", "number"), ("Elev-ID", "pupil_code"), ("Skola", "school"),
                        ("Årskurs", "school_year"), ("Koordinator", "coordinator")):
        text = " ".join(cell_text(raw.get(label)).split())
        if attr == "number":
            text = text.upper()
        if len(text) > _MAX_LEN[attr]:
            bad(label, f"högst {_MAX_LEN[attr]} tecken (här {len(text)}).")
        values[attr] = text or None
    return Row(line, values), problems


def check(session: Session, data: bytes, file_name: str, config: Config | None = None) -> tuple[Report, list[Row]]:
    """Read and check every row; nothing is written. The report lists each bad row and what the import would do."""
    cfg = config or get_config()
    report = Report(file_name=file_name)
    try:
        header, body, warnings = read_table(data, file_name)
        index, header_warnings = _map_header(header)
    except FieldError as exc:
        report.problems.append(Problem(1, "(filen)", str(exc)))
        return report, []
    report.warnings += warnings + header_warnings
    today = clock.today()
    rows: list[Row] = []
    first_line: dict[str, int] = {}
    for line, cells in body:
        raw = {label: cells[i] if i < len(cells) else None for i, label in index.items()}
        row, problems = check_row(line, raw, cfg, today)
        number = row.values["number"]
        if number:
            if number in first_line:
                problems.append(Problem(line, "Ärendenummer",
                                        f"ärendenumret {number} finns redan på rad {first_line[number]} i filen."))
            else:
                first_line[number] = line
        report.problems += problems
        rows.append(row)
    report.rows = len(rows)
    if report.problems:
        return report, rows

    existing = _existing_numbers(session, list(first_line))
    report.existing_numbers = sorted(existing)
    # Without a case number the pupil code and the received date say whether the row was imported before.
    unnumbered = [r for r in rows if not r.values["number"]]
    known = _existing_pupil_days(session, [r for r in unnumbered if r.values["pupil_code"]])
    report.skipped_lines = [r.line for r in rows if r.values["number"] in existing
                            or (not r.values["number"] and (r.values["pupil_code"], r.values["received_on"]) in known)]
    report.existing = len(report.skipped_lines)
    report.new = report.rows - report.existing
    skipped = set(report.skipped_lines)
    todo = [r for r in rows if r.line not in skipped]
    blind = sum(1 for r in unnumbered if not r.values["pupil_code"])
    if blind:
        report.warnings.append(f"{blind} rader saknar både ärendenummer och elev-ID. De får nya nummer och koder; "
                               "läses filen in igen blir de dubbletter. Importera hellre exporten från Närvaro.")
    report.new_schools = _new_names(todo, "school", {fold(n) for n in session.exec(select(School.name)).all()})
    report.new_coordinators = _new_names(todo, "coordinator", set(users_by_name(session)))
    no_coordinator = sum(1 for r in todo if r.values["assigned_on"] and not r.values["closed_on"]
                         and not r.values["coordinator"])
    if no_coordinator:
        report.warnings.append(f"{no_coordinator} pågående ärenden har tilldelningsdatum men ingen koordinator; "
                               "de läggs i kön för fördelning.")
    return report, rows


def _new_names(rows: list[Row], key: str, known: set[str]) -> list[str]:
    """Names in column `key` that are not known yet (folded), each once, as first written in the file."""
    new: dict[str, str] = {}
    for r in rows:
        name = r.values[key]
        if name and fold(name) not in known:
            new.setdefault(fold(name), name)
    return list(new.values())


def _existing_numbers(session: Session, numbers: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(numbers), 500):
        chunk = numbers[i:i + 500]
        found.update(session.exec(select(Case.number).where(Case.number.in_(chunk))).all())  # type: ignore[attr-defined]
    return found


def _existing_pupil_days(session: Session, rows: list[Row]) -> set[tuple[str, dt.date]]:
    codes = sorted({r.values["pupil_code"] for r in rows})
    found: set[tuple[str, dt.date]] = set()
    for i in range(0, len(codes), 500):
        found.update(session.exec(select(Case.pupil_code, Case.received_on)
                                  .where(Case.pupil_code.in_(codes[i:i + 500]))).all())  # type: ignore[attr-defined]
    return found


def users_by_name(session: Session) -> dict[str, User]:
    """Users by folded name and username. Matched in Python: SQLite's lower() leaves å, ä, ö alone."""
    out: dict[str, User] = {}
    for user in session.exec(select(User).order_by(User.id.desc())).all():  # type: ignore[union-attr]
        out[fold(user.name)] = user
        out[fold(user.username)] = user
    return out
