"""A new request (inkommande ärende): check the input, flag possible duplicates, register it in the queue.

A request whose prerequisites are not met is still registered (the team must not lose it) but is
marked `needs_completion` with what is missing, so the board can show it apart.

The prerequisites are those the 2024 workflow keeps (003:470-471, 001:17-20): the absence investigation, the report
to the huvudman, the school's own interventions, and registration in the municipality. The support wanted is the
rector's answer at Start, after the coordinator's call (003:474), so it may be "not yet known" here; consent is
gathered in Steg 1 "om fler aktörer finns inkopplade" (003:491), not at intake as in 2022 (001:29-30).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_
from sqlmodel import Session, select

from narvaro.casework.cases import add_event, create_case
from narvaro.casework.inputs import IntakeCreate
from narvaro.core import personnummer
from narvaro.core.config import get_config
from narvaro.core.errors import FieldError, FormError, PossibleDuplicate
from narvaro.core.models import CLOSED, Case, School

REQUIRED = {
    "pupil_code": "Ange elevkod eller initialer.",
    "way_in": "Välj hur ärendet kom in.",
    "received_on": "Ange datum då ärendet inkom.",
    "requesting_rector": "Ange vilken rektor som begär stöd.",
}

MISSING_TEXTS = {
    "investigated_on": "frånvaroutredning saknas",
    "reported_on": "anmälan till huvudman/skolpliktsbevakning saknas",
    "school_interventions_started": "skolans egna insatser är inte påbörjade",
    "registered_in_municipality": "eleven är inte folkbokförd i kommunen",
}


@dataclass(frozen=True)
class Duplicate:
    case_id: int
    number: str
    pupil_code: str
    personal_number_masked: str
    reason: str  # "elevkod" or "personnummer"


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def validate(request: IntakeCreate, today: dt.date) -> tuple[dict[str, Any], dict[str, str]]:
    """Check a request as typed. Returns (clean case fields + school choice, {field: message})."""
    ref = get_config().reference
    form = request.model_dump()
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    for field, message in REQUIRED.items():
        if not _text(form.get(field)):
            errors[field] = message

    clean["pupil_code"] = _text(form.get("pupil_code")).upper()
    if len(clean["pupil_code"]) > 40:
        errors["pupil_code"] = "Elevkoden får vara högst 40 tecken."

    birth_year = form.get("birth_year")
    if birth_year not in (None, ""):
        try:
            birth_year = int(birth_year)
        except (TypeError, ValueError):
            errors["birth_year"] = "Födelseår ska vara ett årtal, t.ex. 2012."
        else:
            if not today.year - 30 <= birth_year <= today.year - 3:
                errors["birth_year"] = f"Födelseåret ska ligga mellan {today.year - 30} och {today.year - 3}."
        clean["birth_year"] = birth_year if "birth_year" not in errors else None
    sex = _text(form.get("sex")) or None
    if sex is not None and sex not in ref.sexes:
        errors["sex"] = "Välj kön i listan."
    clean["sex"] = sex
    clean["school_year"] = _text(form.get("school_year"))[:10] or None

    pnr = _text(form.get("personal_number"))
    clean["personal_number"] = None
    if pnr:
        try:
            clean["personal_number"] = personnummer.normalize(pnr, today)
        except FieldError as exc:
            errors["personal_number"] = str(exc)

    # School: an existing one, or a new one typed in with its form and provider.
    school_id = form.get("school_id")
    new_name = _text(form.get("new_school_name"))
    if school_id in (None, "") and not new_name:
        errors["school"] = "Välj en skola i listan eller skriv in en ny skola."
    elif school_id not in (None, "") and new_name:
        errors["school"] = "Välj antingen en skola i listan eller skriv in en ny, inte båda."
    clean["school_id"] = int(school_id) if school_id not in (None, "") else None
    if new_name and school_id in (None, ""):
        form_value = _text(form.get("new_school_form"))
        provider = _text(form.get("new_school_provider"))
        district = _text(form.get("new_school_district")) or None
        if form_value not in ref.school_forms:
            errors["new_school_form"] = "Välj skolform för den nya skolan."
        if provider not in ref.providers:
            errors["new_school_provider"] = "Välj huvudman för den nya skolan."
        if district is not None and district not in {d.key for d in ref.districts}:
            errors["new_school_district"] = "Välj verksamhetsområde i listan."
        clean["new_school"] = {"name": new_name[:200], "school_form": form_value, "provider": provider,
                               "district": district}

    way_in = _text(form.get("way_in"))
    if way_in and way_in not in ref.ways_in:
        errors["way_in"] = "Välj inkomstväg i listan."
    clean["way_in"] = way_in or None
    support = _text(form.get("support_requested"))
    if support and support not in ref.support_kinds:
        errors["support_requested"] = "Välj stöd i listan."
    clean["support_requested"] = support or None
    clean["requesting_rector"] = _text(form.get("requesting_rector"))[:120] or None
    clean["rector_contact"] = _text(form.get("rector_contact"))[:200] or None
    clean["school_contact"] = _text(form.get("school_contact"))[:120] or None
    clean["school_contact_info"] = _text(form.get("school_contact_info"))[:200] or None

    received = _date(form.get("received_on"))
    if received is not None and received > today:
        errors["received_on"] = "Datumet då ärendet inkom kan inte ligga i framtiden."
    clean["received_on"] = received
    for field, label in (("investigated_on", "Frånvaroutredningen"), ("reported_on", "Anmälan")):
        day = _date(form.get(field))
        if day is not None and day > today:
            errors[field] = f"{label} kan inte vara gjord i framtiden."
        elif day is not None and received is not None and day > received:
            errors[field] = f"{label} kan inte vara gjord efter att ärendet inkom ({received.isoformat()})."
        clean[field] = day

    absence = form.get("absence_percent_intake")
    clean["absence_percent_intake"] = None
    if absence not in (None, ""):
        try:
            absence = float(str(absence).replace(",", "."))
        except ValueError:
            errors["absence_percent_intake"] = "Frånvaron ska vara ett tal mellan 0 och 100."
        else:
            if not 0 <= absence <= 100:
                errors["absence_percent_intake"] = "Frånvaron ska vara mellan 0 och 100 procent."
            else:
                clean["absence_percent_intake"] = absence
    clean["absence_period"] = _text(form.get("absence_period"))[:80] or None

    clean["school_interventions_started"] = bool(form.get("school_interventions_started"))
    clean["registered_in_municipality"] = bool(form.get("registered_in_municipality"))
    return clean, errors


def missing_prerequisites(clean: dict[str, Any]) -> list[str]:
    """What the school has not yet done of what a request presupposes (003:470-471, 001:17-20)."""
    return [text for field, text in MISSING_TEXTS.items() if not clean.get(field)]


def school_choices(session: Session) -> dict[int, str]:
    """The known schools for the form's list: id → "name (school form)", by name."""
    rows = session.exec(select(School.id, School.name, School.school_form).order_by(School.name)).all()
    return {sid: f"{name} ({form})" for sid, name, form in rows}


def _same_pupil(pupil_code: str | None, personal_number: str | None):
    """Cases of this pupil: the same pupil code (case and spaces aside) or the same personnummer; None if neither
    is given. One condition for duplicates and for earlier closed cases, so both find the same pupil."""
    conditions = []
    if pupil_code:
        conditions.append(func.upper(func.trim(Case.pupil_code)) == pupil_code.strip().upper())
    if personal_number:
        conditions.append(Case.personal_number == personal_number)
    return or_(*conditions) if conditions else None


def find_open_duplicates(session: Session, pupil_code: str | None, personal_number: str | None) -> list[Duplicate]:
    """Open cases of the same pupil (same pupil code, or same personnummer)."""
    pupil = _same_pupil(pupil_code, personal_number)
    if pupil is None:
        return []
    rows = session.exec(
        select(Case.id, Case.number, Case.pupil_code, Case.personal_number)
        .where(Case.status != CLOSED, pupil).order_by(Case.received_on, Case.id).limit(20)
    ).all()
    found = []
    for case_id, number, code, pnr in rows:
        same_pnr = bool(personal_number) and pnr == personal_number
        found.append(Duplicate(case_id, number, code, personnummer.mask(pnr),
                               "personnummer" if same_pnr else "elevkod"))
    return found


@dataclass(frozen=True)
class EarlierCase:
    """A closed case of the same pupil: the new case is återaktualiserat."""
    case_id: int
    number: str
    closed_on: dt.date
    reason: str | None

    def text(self) -> str:
        return (f"{self.number}, avslutat {self.closed_on.isoformat()}"
                + (f" ({self.reason})" if self.reason else ""))


def find_earlier_closed(session: Session, pupil_code: str | None, personal_number: str | None) -> list[EarlierCase]:
    """Closed cases of the same pupil (same pupil code, or same personnummer), latest closing first."""
    pupil = _same_pupil(pupil_code, personal_number)
    if pupil is None:
        return []
    rows = session.exec(
        select(Case.id, Case.number, Case.closed_on, Case.closure_reason)
        .where(Case.status == CLOSED, Case.closed_on.is_not(None), pupil)  # type: ignore[union-attr]
        .order_by(Case.closed_on.desc(), Case.id.desc()).limit(10)  # type: ignore[union-attr]
    ).all()
    return [EarlierCase(i, n, c, r) for i, n, c, r in rows]


def earlier_case(session: Session, case: Case) -> EarlierCase | None:
    """The earlier closed case an återaktualiserat case points at."""
    if case.reactivated_from is None:
        return None
    row = session.get(Case, case.reactivated_from)
    return EarlierCase(row.id, row.number, row.closed_on, row.closure_reason) if row and row.closed_on else None


def _school(session: Session, clean: dict[str, Any]) -> School:
    if clean.get("school_id") is not None:
        school = session.get(School, clean["school_id"])
        if school is None:
            raise FieldError("school", "Skolan finns inte längre. Välj en annan.")
        return school
    new = clean["new_school"]
    school = session.exec(select(School).where(func.lower(School.name) == new["name"].lower())).first()
    if school is None:
        school = School(**new)
        session.add(school)
        session.flush()
    return school


def register(session: Session, request: IntakeCreate, *, by: str, today: dt.date,
             confirm_duplicate: bool = False) -> Case:
    """Register the request in the queue and return the new case.

    Raises FormError with field messages, or PossibleDuplicate unless `confirm_duplicate`.
    """
    clean, errors = validate(request, today)
    if errors:
        raise FormError(errors)
    if not confirm_duplicate:
        duplicates = find_open_duplicates(session, clean["pupil_code"], clean["personal_number"])
        if duplicates:
            raise PossibleDuplicate(duplicates)
    school = _school(session, clean)
    missing = missing_prerequisites(clean)
    fields = {k: v for k, v in clean.items() if k not in {"new_school", "school_id"}}
    earlier = find_earlier_closed(session, clean["pupil_code"], clean["personal_number"])
    fields.update(school_id=school.id, school_form=school.school_form, provider=school.provider,
                  district=school.district, needs_completion=bool(missing),
                  missing_prerequisites=("; ".join(missing)[:500] or None),
                  reactivated_from=earlier[0].case_id if earlier else None)
    case = create_case(session, fields, by)
    if earlier:
        add_event(session, case.id, "återaktualiserat", f"Återaktualiserat: eleven har ett tidigare avslutat ärende, "
                  f"{earlier[0].text()}.", by, case.received_on)
    return case
