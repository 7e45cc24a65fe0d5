"""The data model. Every table that holds case data points at `cases`; every change carries who and when.

Identifiers are English; the Swedish labels users see live in data/*.yaml and the pages. Values that
come from data/ (school form, closure reason, ...) are stored as their labels, because imports and the
board's reports match on exactly those labels.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from narvaro.core import clock

# Case states. The workflow step inside an active case is `Case.current_step` (a key from process.yaml).
QUEUED = "queued"        # Kö: received, waiting for hand-out
ASSIGNED = "assigned"    # Tilldelad: handed out, rector not yet answered
ACTIVE = "active"        # in the arbetsgång
CLOSED = "closed"        # Avslutad
STATUSES = (QUEUED, ASSIGNED, ACTIVE, CLOSED)


class User(SQLModel, table=True):
    __tablename__ = "users"
    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=64)
    name: str = Field(max_length=120)
    email: Optional[str] = Field(default=None, max_length=200)
    role: str = Field(max_length=20)
    # No hash: a coordinator known from imported history who cannot log in.
    password_hash: Optional[str] = Field(default=None, max_length=200)
    active: bool = True
    district: Optional[str] = Field(default=None, max_length=40)
    failed_logins: int = 0
    locked_until: Optional[dt.datetime] = None
    created_at: dt.datetime = Field(default_factory=clock.now)
    # The second factor (TOTP, RFC 6238): the shared secret, and the last 30-second step used (no replay).
    totp_secret: Optional[str] = Field(default=None, max_length=64)
    totp_last_step: Optional[int] = None


class School(SQLModel, table=True):
    __tablename__ = "schools"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=200)
    school_form: str = Field(max_length=40)
    provider: str = Field(max_length=20)
    district: Optional[str] = Field(default=None, max_length=40)


class CaseNumberSeq(SQLModel, table=True):
    """Last case number handed out per year, so NK-YYYY-NNNN never repeats under concurrent intake."""
    __tablename__ = "case_number_seq"
    year: int = Field(primary_key=True)
    last: int = 0


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    id: Optional[int] = Field(default=None, primary_key=True)
    number: str = Field(unique=True, index=True, max_length=20)
    # Optimistic locking: every save states the version it read; a stale version is refused.
    version: int = 1

    # Pupil: pseudonymous by default.
    pupil_code: str = Field(index=True, max_length=40)
    birth_year: Optional[int] = None
    sex: Optional[str] = Field(default=None, max_length=10)
    school_year: Optional[str] = Field(default=None, max_length=10)
    personal_number: Optional[str] = Field(default=None, max_length=13)

    school_id: Optional[int] = Field(default=None, foreign_key="schools.id", index=True)
    # Copied from the school at intake so statistics keep the form/provider the case had then.
    school_form: str = Field(index=True, max_length=40)
    provider: str = Field(index=True, max_length=20)
    district: Optional[str] = Field(default=None, index=True, max_length=40)
    way_in: Optional[str] = Field(default=None, max_length=40)

    requesting_rector: Optional[str] = Field(default=None, max_length=120)
    rector_contact: Optional[str] = Field(default=None, max_length=200)
    # The named contact at the school whom pupil and guardians turn to (002:894), next to the rector.
    school_contact: Optional[str] = Field(default=None, max_length=120)
    school_contact_info: Optional[str] = Field(default=None, max_length=200)
    support_requested: Optional[str] = Field(default=None, max_length=20)
    absence_percent_intake: Optional[float] = None
    absence_period: Optional[str] = Field(default=None, max_length=80)

    # Prerequisites of a request (seed 001).
    investigated_on: Optional[dt.date] = None
    reported_on: Optional[dt.date] = None
    school_interventions_started: Optional[bool] = None
    registered_in_municipality: Optional[bool] = None
    consent_status: Optional[str] = Field(default=None, max_length=40)  # asked at intake before 003 (no longer)
    needs_completion: bool = Field(default=False, index=True)
    missing_prerequisites: Optional[str] = Field(default=None, max_length=500)
    reactivated_from: Optional[int] = None  # återaktualiserat: the pupil's latest earlier closed case (id)

    received_on: dt.date = Field(index=True)
    assigned_on: Optional[dt.date] = Field(default=None, index=True)
    first_rector_contact_on: Optional[dt.date] = None
    rector_answer: Optional[str] = Field(default=None, max_length=20)
    step_started_on: Optional[dt.date] = None
    next_meeting_on: Optional[dt.date] = Field(default=None, index=True)
    extended_until: Optional[dt.date] = None

    status: str = Field(default=QUEUED, index=True, max_length=12)
    current_step: Optional[str] = Field(default=None, max_length=40)
    cycle: int = 0  # number of follow-up meetings held: Steg 3 repeats once per cycle

    closed_on: Optional[dt.date] = Field(default=None, index=True)
    closure_reason: Optional[str] = Field(default=None, index=True, max_length=80)
    attendance_at_closing: Optional[float] = None
    effect_operative: Optional[str] = Field(default=None, max_length=40)
    effect_coordinating: Optional[str] = Field(default=None, max_length=40)
    closing_talk_held: Optional[bool] = None
    # "Återgått till undervisning" chosen although Steg 4's conditions were not met: the unmet conditions the user
    # confirmed, with who and when (None: no confirmation was needed).
    return_confirmed_unmet: Optional[str] = Field(default=None, max_length=500)
    anonymised_on: Optional[dt.date] = None
    process_version: Optional[int] = None  # the process version it was last worked under (narvaro.core.versions)

    created_at: dt.datetime = Field(default_factory=clock.now)
    created_by: Optional[str] = Field(default=None, max_length=64)
    updated_at: dt.datetime = Field(default_factory=clock.now)
    updated_by: Optional[str] = Field(default=None, max_length=64)


class Assignment(SQLModel, table=True):
    """A coordinator on a case; a team case has several. `ended_at` set when taken off the case."""
    __tablename__ = "assignments"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    lead: bool = True
    assigned_at: dt.datetime = Field(default_factory=clock.now)
    assigned_by: Optional[str] = Field(default=None, max_length=64)
    ended_at: Optional[dt.datetime] = None


class ChecklistMark(SQLModel, table=True):
    """A ticked (or not applicable) checklist item of a step; `cycle` tells repeated Steg 3 rounds apart."""
    __tablename__ = "checklist_marks"
    __table_args__ = (UniqueConstraint("case_id", "step_key", "cycle", "item_key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    step_key: str = Field(max_length=40)
    cycle: int = 0
    item_key: str = Field(max_length=60)
    not_applicable: bool = False
    reason: Optional[str] = Field(default=None, max_length=500)
    marked_by: str = Field(max_length=64)
    marked_at: dt.datetime = Field(default_factory=clock.now)
    proof: Optional[str] = Field(default=None, max_length=200)  # the action that ticked it, e.g. "EHT-möte 2025-09-01"


class StepChange(SQLModel, table=True):
    __tablename__ = "step_changes"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    from_step: Optional[str] = Field(default=None, max_length=40)
    to_step: str = Field(max_length=40)
    cycle: int = 0
    on_date: dt.date
    open_items_reason: Optional[str] = Field(default=None, max_length=500)
    changed_by: str = Field(max_length=64)
    changed_at: dt.datetime = Field(default_factory=clock.now)


class Meeting(SQLModel, table=True):
    __tablename__ = "meetings"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str = Field(max_length=40)
    held_on: dt.date
    participants: Optional[str] = Field(default=None, max_length=1000)
    situation: Optional[str] = None            # Nuläge?
    attendance_percent: Optional[float] = None  # Närvaro? since the last meeting
    further_interventions: Optional[str] = None  # Fortsatta insatser?
    next_meeting_on: Optional[dt.date] = None    # Nytt möte
    outcome: Optional[str] = Field(default=None, max_length=40)  # follow-up: key in process.yaml follow_up_outcomes
    decisions: Optional[str] = None
    rector_decided_close: bool = False
    actor_types: Optional[str] = Field(default=None, max_length=500)  # other actors who took part, ';'-separated
    division_of_responsibility: Optional[str] = None  # Steg 1 EHT: who does what, by when
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


class Task(SQLModel, table=True):
    """A decision from a meeting that someone must carry out before the next one."""
    __tablename__ = "tasks"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    meeting_id: Optional[int] = Field(default=None, foreign_key="meetings.id")
    text: str = Field(max_length=1000)
    owner: str = Field(max_length=120)
    due_on: Optional[dt.date] = None
    done_on: Optional[dt.date] = None
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


class Consent(SQLModel, table=True):
    __tablename__ = "consents"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    given_by: str = Field(max_length=40)
    actors: str = Field(max_length=500)  # actor types, separated by ';'
    given_on: dt.date
    valid_until: Optional[dt.date] = None
    withdrawn_on: Optional[dt.date] = None
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


class CaseActor(SQLModel, table=True):
    __tablename__ = "case_actors"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    actor_type: str = Field(max_length=40)
    organisation: Optional[str] = Field(default=None, max_length=200)
    contact_person: Optional[str] = Field(default=None, max_length=200)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


class ServiceNote(SQLModel, table=True):
    """Tjänsteanteckning. Append-only: a correction is a new note pointing at the old one."""
    __tablename__ = "service_notes"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    written_on: dt.date
    author: str = Field(max_length=64)
    text: str
    corrects_id: Optional[int] = Field(default=None, foreign_key="service_notes.id")
    created_at: dt.datetime = Field(default_factory=clock.now)


class CaseIntervention(SQLModel, table=True):
    __tablename__ = "case_interventions"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    # Key in interventions.yaml, or None for a custom intervention named in `name`.
    intervention_key: Optional[str] = Field(default=None, index=True, max_length=60)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=20)  # samordnande | operativa
    performed_by: Optional[str] = Field(default=None, max_length=120)
    actor_type: Optional[str] = Field(default=None, max_length=40)
    start_on: Optional[dt.date] = None
    end_on: Optional[dt.date] = None  # the day its status became one that is not open (genomförd, avbruten)
    plan: Optional[str] = Field(default=None, max_length=500)
    status: str = Field(default="planerad", max_length=20)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


class EffectRating(SQLModel, table=True):
    __tablename__ = "effect_ratings"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_intervention_id: int = Field(foreign_key="case_interventions.id", index=True)
    meeting_id: Optional[int] = Field(default=None, foreign_key="meetings.id")
    rating: str = Field(max_length=40)
    comment: Optional[str] = Field(default=None, max_length=1000)
    rated_by: str = Field(max_length=64)
    rated_at: dt.datetime = Field(default_factory=clock.now)


class SurveyResponse(SQLModel, table=True):
    __tablename__ = "survey_responses"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    survey_key: str = Field(max_length=40)
    respondent_role: str = Field(max_length=60)
    answered_on: dt.date
    answers_json: str  # {question_key: answer}
    rector_seen_on: Optional[dt.date] = None  # the school's answers: when the rector saw them (003:315)
    entered_by: str = Field(max_length=64)
    entered_at: dt.datetime = Field(default_factory=clock.now)


class SurveySending(SQLModel, table=True):
    """A closing survey sent for a case, so response rates can be counted (answered / sent)."""
    __tablename__ = "survey_sendings"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    survey_key: str = Field(max_length=40)
    sent_on: dt.date = Field(index=True)
    sent_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


class SchoolTransition(SQLModel, table=True):
    """A change of school, school form or provider during a case (003:693, 003:317). The case's own school_form and
    provider stay those it came in with (the indicators count it there); the latest transition is where it is now."""
    __tablename__ = "school_transitions"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    on_date: dt.date
    from_school_id: Optional[int] = Field(default=None, foreign_key="schools.id")
    to_school_id: Optional[int] = Field(default=None, foreign_key="schools.id")
    from_school_form: str = Field(max_length=40)
    to_school_form: str = Field(max_length=40)
    from_provider: str = Field(max_length=20)
    to_provider: str = Field(max_length=20)
    note: Optional[str] = Field(default=None, max_length=500)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


class CaseVoice(SQLModel, table=True):
    """The pupil's own view and wishes, or a guardian's (002:39, 003:437), in their words as the coordinator wrote
    them down. Append-only like service notes."""
    __tablename__ = "case_voices"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    speaker: str = Field(max_length=40)  # one of consent_givers in reference.yaml
    on_date: dt.date
    text: str = Field(max_length=2000)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


class SchoolActivity(SQLModel, table=True):
    """Work with a school that is not a case: advice, an open team meeting, an information visit (003:701-702)."""
    __tablename__ = "school_activities"
    id: Optional[int] = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="schools.id", index=True)
    kind: str = Field(max_length=40)  # one of school_work_kinds in reference.yaml
    held_on: dt.date = Field(index=True)
    minutes: int
    note: Optional[str] = Field(default=None, max_length=500)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


class CaseEvent(SQLModel, table=True):
    """The case's timeline: what happened, in order, in words a coordinator reads."""
    __tablename__ = "case_events"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    on_date: dt.date
    kind: str = Field(max_length=40)
    text: str = Field(max_length=2000)
    by: Optional[str] = Field(default=None, max_length=64)
    at: dt.datetime = Field(default_factory=clock.now)


class AuditEntry(SQLModel, table=True):
    """Who did what, when, to which case. Written by narvaro.audit only; never edited."""
    __tablename__ = "audit_log"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=clock.now, index=True)
    username: Optional[str] = Field(default=None, index=True, max_length=64)
    action: str = Field(index=True, max_length=40)
    case_id: Optional[int] = Field(default=None, index=True)
    detail: Optional[str] = Field(default=None, max_length=2000)


class CatalogueEntry(SQLModel, table=True):
    """An intervention the team leader lifted into the exempellista from a case. Kept in the database, not in
    data/interventions.yaml, so every app server sees it at once; the catalogue is the file plus these rows."""
    __tablename__ = "catalogue_entries"
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=60)
    kind: str = Field(max_length=20)  # samordnande | operativa
    name: str = Field(max_length=200)
    # The name as compared (narvaro.core.text.fold), unique: two servers promoting the same name cannot both win.
    folded_name: str = Field(unique=True, max_length=200)
    description: str = Field(default="", max_length=300)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


class DataVersion(SQLModel, table=True):
    """One row counting committed changes to case data (narvaro.core.db bumps it). Caches of figures are keyed on
    it, so a save shows at once on every app server, while views and logins (audit rows only) keep the cache."""
    __tablename__ = "data_version"
    id: int = Field(default=1, primary_key=True)
    n: int = 0


class ProcessVersion(SQLModel, table=True):
    """One published version of the process: the data files' YAML as published, never changed afterwards."""
    __tablename__ = "process_versions"
    id: Optional[int] = Field(default=None, primary_key=True)  # the version number users see
    kind: str = Field(max_length=20)  # grund (seeded from data/), publicering, återställning, import
    files: str = Field(sa_column=Column(Text, nullable=False))  # JSON: {"process": yaml text, "reference": ...}
    reason: str = Field(max_length=500)
    diff: str = Field(default="", sa_column=Column(Text, nullable=False))  # readable changes against the version before
    based_on: Optional[int] = None  # the version a rollback restored
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)


from narvaro.core.auth_models import LoginSession, LoginThrottle, RecoveryCode  # noqa: E402,F401  (same metadata)
from narvaro.core.models_booking import MeetingBooking  # noqa: E402,F401  (registered with the metadata)
