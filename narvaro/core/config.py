"""The process definition in data/*.yaml, validated at start-up.

A municipality changes its workflow by editing these files, so a mistake must stop the app with a
message a non-programmer can act on: the file, the line and key, and what is wrong.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from narvaro.core.config_files import load_file, load_text  # noqa: F401  (load_file: the one-file check)
from narvaro.core.config_outcomes import FollowUpOutcome, across_files, check_outcomes
from narvaro.core.config_rules import Rules
from narvaro.core.errors import ConfigError
from narvaro.core.school_year import Count, SchoolCalendar

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Actions in the app that prove a checklist item done (issue 15): the item is ticked by the action, no double entry.
PROOFS = ("handout", "investigation", "rector_contact", "rector_answer", "eht_meeting", "follow_up_booked")


class ChecklistItem(_Strict):
    key: str
    text: str
    administration: bool = False
    proven_by: Literal[PROOFS] | None = None  # type: ignore[valid-type]


class Window(_Strict):
    """A step's time window, counted from one of the case's own dates. Only the seed's deadlines are shipped; a
    deadline a municipality adds on its own is marked `local_choice`, so the case page can say so."""
    start: Literal["received", "first_rector_contact", "step_start"] = Field(alias="from")
    days: int | None = Field(default=None, ge=1)      # due at the latest this many days after the start
    min_days: int | None = Field(default=None, ge=0)  # at the earliest (Steg 2: "ca 3-5 veckor", 003:504)
    local_choice: bool = False
    count: Count = "calendar"  # "school_time": holidays do not count (data/calendar.yaml)

    @model_validator(mode="after")
    def _order(self) -> "Window":
        if self.min_days is not None and (self.days is None or self.min_days > self.days):
            raise ValueError("min_days kräver days och får inte vara större än days")
        return self


class Step(_Strict):
    key: str
    name: str
    when: str
    window: Window
    items: list[ChecklistItem]
    repeats: bool = False
    ends_with_meeting: bool = False

    @model_validator(mode="after")
    def _unique_items(self) -> "Step":
        keys = [i.key for i in self.items]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise ValueError(f"punkten {sorted(dup)[0]!r} finns två gånger i steget")
        return self

    def item(self, key: str) -> ChecklistItem | None:
        return next((i for i in self.items if i.key == key), None)


class Question(_Strict):
    key: str
    text: str


# The follow-up meeting's four questions (seed 003) each have a field of their own; the texts are free.
FOLLOW_UP_QUESTION_KEYS = ("nulage", "narvaro", "fortsatta_insatser", "nytt_mote")


class Process(_Strict):
    goal: str
    steps: list[Step] = Field(min_length=2)
    follow_up_questions: list[Question]
    follow_up_outcomes: list[FollowUpOutcome] = Field(min_length=1)
    rules: Rules

    @model_validator(mode="after")
    def _unique_steps(self) -> "Process":
        keys = [s.key for s in self.steps]
        dup = {k for k in keys if keys.count(k) > 1}
        if dup:
            raise ValueError(f"steget {sorted(dup)[0]!r} finns två gånger")
        missing = [k for k in FOLLOW_UP_QUESTION_KEYS if k not in {q.key for q in self.follow_up_questions}]
        if missing:
            raise ValueError(f"follow_up_questions saknar frågan med key {missing[0]!r}")
        check_outcomes(self.follow_up_outcomes, self.steps)
        return self

    def outcome(self, key: str | None) -> FollowUpOutcome | None:
        return next((o for o in self.follow_up_outcomes if o.key == key), None)

    def after_meetings(self, step_key: str) -> bool:
        """A step after every step that ends with a follow-up meeting (Steg 4): no follow-up is booked there."""
        meeting = [i for i, s in enumerate(self.steps) if s.ends_with_meeting]
        return bool(meeting) and self.step_index(step_key) > meeting[-1]

    def follow_up_question(self, key: str) -> str:
        return next(q.text for q in self.follow_up_questions if q.key == key)

    def step(self, key: str) -> Step:
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)

    def step_index(self, key: str) -> int:
        return [s.key for s in self.steps].index(key)


class ClosureReason(_Strict):
    """`key` is the reason itself and stays; `label` is its name and may be changed (a renamed reason is counted as the
    same reason in every year's indicators). Without a key, the label is the key."""
    key: str = ""
    label: str

    @model_validator(mode="before")
    @classmethod
    def _key_from_label(cls, data):
        return {**data, "key": data.get("key") or data.get("label")} if isinstance(data, dict) else data
    returned_to_school: bool = False
    rector_declined: bool = False
    rector_closed: bool = False  # the rector ended the case at a follow-up meeting for lack of effect


class Performer(_Strict):
    label: str
    other_actor: bool = False  # the actor must then be named


class InterventionStatus(_Strict):
    label: str
    open: bool = False  # still planned or going on: shown on the meeting agenda


class District(_Strict):
    key: str
    name: str


def _no_duplicates(values: list[str]) -> list[str]:
    dup = sorted({v for v in values if values.count(v) > 1})
    if dup:
        raise ValueError(f"värdet {dup[0]!r} finns två gånger")
    return values


# The two meeting kinds the workflow itself refers to; meeting_kinds in reference.yaml must list them.
FOLLOW_UP_KIND = "Uppföljningsmöte"
EHT_KIND = "EHT-möte"


class Reference(_Strict):
    school_forms: list[str] = Field(min_length=1)
    providers: list[str] = Field(min_length=1)
    sexes: list[str] = Field(min_length=1)
    ways_in: list[str] = Field(min_length=1)
    support_kinds: list[str] = Field(min_length=1)
    closure_reasons: list[ClosureReason] = Field(min_length=1)
    actor_types: list[str] = Field(min_length=1)
    consent_givers: list[str] = Field(min_length=1)
    guardians: list[str] = Field(default_factory=list)  # the consent givers who are guardians (002:62)
    meeting_kinds: list[str] = Field(min_length=1)
    school_work_kinds: list[str] = Field(min_length=1)  # work with schools that is not a case (003:701-702)
    effect_ratings: list[str] = Field(min_length=1)
    districts: list[District] = Field(min_length=1)
    teams: list[District] = Field(min_length=1)
    intervention_performers: list[Performer] = Field(min_length=1)
    intervention_statuses: list[InterventionStatus] = Field(min_length=1)
    # The rows of the evaluation's statistics table: group name -> the school forms counted in it.
    statistics_groups: dict[str, list[str]] = Field(min_length=1)

    _check = field_validator(
        "school_forms", "providers", "sexes", "ways_in", "support_kinds", "actor_types",
        "consent_givers", "meeting_kinds", "effect_ratings", "school_work_kinds",
    )(_no_duplicates)

    @model_validator(mode="after")
    def _one_return_reason(self) -> "Reference":
        if sum(r.returned_to_school for r in self.closure_reasons) != 1:
            raise ValueError("exakt ett avslutsskäl ska ha returned_to_school: true")
        _no_duplicates([r.label for r in self.closure_reasons])
        _no_duplicates([r.key for r in self.closure_reasons])
        _no_duplicates([d.key for d in self.districts])
        if sum(r.rector_closed for r in self.closure_reasons) > 1:
            raise ValueError("högst ett avslutsskäl kan ha rector_closed: true")
        outside = [g for g in self.guardians if g not in self.consent_givers]
        if outside or len(self.guardians) >= len(self.consent_givers):
            raise ValueError("guardians ska vara några av consent_givers, och eleven ska finnas kvar bland dem")
        if sum(p.other_actor for p in self.intervention_performers) > 1:
            raise ValueError("högst en utförare i intervention_performers kan ha other_actor: true")
        _no_duplicates([p.label for p in self.intervention_performers])
        _no_duplicates([x.label for x in self.intervention_statuses])
        missing = [k for k in (FOLLOW_UP_KIND, EHT_KIND) if k not in self.meeting_kinds]
        if missing:
            raise ValueError(f"meeting_kinds saknar {missing[0]!r}: arbetsgången bygger på den mötestypen "
                             "(uppföljningsmötenas frågor och närvaro, Steg 1:s EHT-möte)")
        grouped = [form for forms in self.statistics_groups.values() for form in forms]
        unknown = sorted(set(grouped) - set(self.school_forms))
        if unknown:
            raise ValueError(f"statistics_groups nämner skolformen {unknown[0]!r} som inte finns i school_forms")
        _no_duplicates(grouped)
        return self

    def consent_givers_for(self, of_age: bool) -> list[str]:
        """Who may consent: an adult pupil alone (002:62), otherwise guardians and pupil."""
        return [g for g in self.consent_givers if g not in self.guardians] if of_age else list(self.consent_givers)

    @property
    def rector_closed_reason(self) -> str | None:
        return next((r.label for r in self.closure_reasons if r.rector_closed), None)

    @property
    def performer_labels(self) -> list[str]:
        return [p.label for p in self.intervention_performers]

    @property
    def other_actor_performer(self) -> str | None:
        return next((p.label for p in self.intervention_performers if p.other_actor), None)

    @property
    def intervention_status_labels(self) -> list[str]:
        return [x.label for x in self.intervention_statuses]

    @property
    def open_intervention_statuses(self) -> list[str]:
        return [x.label for x in self.intervention_statuses if x.open]

    def statistics_group(self, school_form: str) -> str:
        """The statistics-table row a school form counts in (its own name if no group lists it)."""
        return next((g for g, forms in self.statistics_groups.items() if school_form in forms), school_form)

    @property
    def closure_labels(self) -> list[str]:
        return [r.label for r in self.closure_reasons]

    @property
    def returned_reason(self) -> str:
        return next(r.label for r in self.closure_reasons if r.returned_to_school)

    @property
    def rector_declined_reason(self) -> str | None:
        return next((r.label for r in self.closure_reasons if r.rector_declined), None)

    def district_name(self, key: str | None) -> str:
        return next((d.name for d in self.districts if d.key == key), key or "")


class InterventionDef(_Strict):
    key: str
    name: str
    description: str = ""


class Interventions(_Strict):
    # The three kinds of the 2022 service description (001:47-65); one list each, in this order.
    samordnande: list[InterventionDef]
    stodjande: list[InterventionDef] = Field(default_factory=list)
    operativa: list[InterventionDef]

    @model_validator(mode="after")
    def _unique(self) -> "Interventions":
        _no_duplicates([i.key for _, i in self.all()])
        return self

    def all(self) -> list[tuple[str, InterventionDef]]:
        return [(kind, i) for kind in ("samordnande", "stodjande", "operativa") for i in getattr(self, kind)]


class SurveyQuestion(_Strict):
    key: str
    text: str
    scale: list[str] | None = None
    free_text: bool = False


class Survey(_Strict):
    key: str
    name: str
    respondent_roles: list[str] = Field(min_length=1)
    questions: list[SurveyQuestion] = Field(min_length=1)
    rector_sees: bool = False  # the school's survey: ask whether the rector has seen the answers (003:315)


class Surveys(_Strict):
    # No seed has survey questions (003:374 asks for them to be reviewed): shipped ones are an example to replace.
    example: bool = False
    surveys: list[Survey]

    @model_validator(mode="after")
    def _unique(self) -> "Surveys":
        _no_duplicates([s.key for s in self.surveys])
        return self


class Config(BaseModel):
    model_config = ConfigDict(frozen=True)
    process: Process
    reference: Reference
    interventions: Interventions
    surveys: Surveys
    calendar: SchoolCalendar
    data_dir: Path
    version: int | None = None  # the published version in the database; None: read straight from data_dir
    # Every closure-reason label any version used -> the reason's label now (same key): renames count as one reason.
    closure_aliases: dict[str, str] = Field(default_factory=dict)

    def closure_label(self, label: str | None) -> str | None:
        """The reason's label in this version, for a label a case was closed with under any version."""
        return self.closure_aliases.get(label, label) if label else label

    def closure_names(self, label: str) -> list[str]:
        """Every label the reason now called `label` has had (to count it in SQL)."""
        return [label, *(old for old, now in self.closure_aliases.items() if now == label)]


FILE_NAMES = ("process", "reference", "interventions", "surveys", "calendar")  # data/<name>.yaml
MODELS: dict[str, type[BaseModel]] = dict(zip(FILE_NAMES, (Process, Reference, Interventions, Surveys, SchoolCalendar)))


def parse_texts(texts: dict[str, str], where: str | Path, **extra) -> Config:
    """The files' YAML texts validated as at start-up; a ConfigError names the file, line and key of every
    problem. `where` is the folder the files are named under in messages."""
    missing = [name for name in FILE_NAMES if name not in texts]
    if missing:
        raise ConfigError(f"{Path(where) / (missing[0] + '.yaml')}: filen saknas")
    parts, problems = {}, []
    for name, model in MODELS.items():
        try:
            parts[name] = load_text(texts[name], str(Path(where) / f"{name}.yaml"), model)
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        raise ConfigError("\n".join(problems))
    problem = across_files(parts["process"], parts["reference"])
    if problem:
        raise ConfigError(f"{Path(where) / 'process.yaml'}: {problem}")
    return Config(data_dir=Path(where), **parts, **extra)


def read_texts(data_dir: Path | str) -> dict[str, str]:
    """The files of a folder as text (a missing one is left out, for parse_texts to name)."""
    paths = {name: Path(data_dir) / f"{name}.yaml" for name in FILE_NAMES}
    return {name: p.read_text(encoding="utf-8") for name, p in paths.items() if p.exists()}


def load_config(data_dir: Path | str | None = None) -> Config:
    return parse_texts(read_texts(folder := Path(data_dir or os.environ.get("NARVARO_DATA_DIR") or DATA_DIR)), folder)


@lru_cache(maxsize=4)
def _cached(data_dir: str) -> Config:
    return load_config(data_dir)


_active: Config | None = None  # the published version this process last read (narvaro.core.versions.sync)


def activate(config: Config | None) -> None:
    """Make `config` what get_config() returns in this process (None: back to the files in data/)."""
    global _active
    _active = config


def get_config() -> Config:
    """The published version narvaro.core.versions.sync last read (each app run), else data/*.yaml, read once."""
    return _active or _cached(str(Path(os.environ.get("NARVARO_DATA_DIR") or DATA_DIR)))


def reload_config() -> None:
    _cached.cache_clear()
