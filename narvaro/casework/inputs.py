"""What a user submits to the case services, as typed models (the Create/Update family of the FastAPI template).

These are plain containers: every field may be missing, because the services check them and answer in
Swedish at the field (FieldError / FormError). The forms build one of these, the services take it.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlmodel import Field, SQLModel


class IntakeCreate(SQLModel):
    """A new request (inkommande ärende), as typed in the intake form."""
    pupil_code: Optional[str] = None
    birth_year: Optional[int | str] = None
    sex: Optional[str] = None
    school_year: Optional[str] = None
    personal_number: Optional[str] = None
    school_id: Optional[int] = None
    new_school_name: Optional[str] = None
    new_school_form: Optional[str] = None
    new_school_provider: Optional[str] = None
    new_school_district: Optional[str] = None
    way_in: Optional[str] = None
    received_on: Optional[dt.date | str] = None
    requesting_rector: Optional[str] = None
    rector_contact: Optional[str] = None
    school_contact: Optional[str] = None        # the named contact at the school (002:894)
    school_contact_info: Optional[str] = None
    support_requested: Optional[str] = None     # may be unknown until the rector's answer at Start (003:474)
    absence_percent_intake: Optional[float | str] = None
    absence_period: Optional[str] = None
    investigated_on: Optional[dt.date | str] = None
    reported_on: Optional[dt.date | str] = None
    school_interventions_started: Optional[bool] = None
    registered_in_municipality: Optional[bool] = None


class CaseClose(SQLModel):
    """Closing a case: the facts the yearly indicators need (seed 003)."""
    reason: Optional[str] = None
    closed_on: Optional[dt.date] = None
    attendance: Optional[float] = None
    effect_operative: Optional[str] = None
    effect_coordinating: Optional[str] = None
    closing_talk_held: Optional[bool] = None
    confirm_return: bool = False  # "Återgått till undervisning" although Steg 4's conditions are not met


class TaskCreate(SQLModel):
    """A decision that someone must carry out before the next meeting."""
    text: Optional[str] = None
    owner: Optional[str] = None
    due_on: Optional[dt.date] = None


class FollowUpCreate(SQLModel):
    """A follow-up meeting (U) with EHT and the rector: the workflow's four questions."""
    held_on: Optional[dt.date] = None
    participants: Optional[str] = None
    situation: Optional[str] = None                # Nuläge?
    attendance: Optional[float] = None             # Närvaro? since the last meeting
    further_interventions: Optional[str] = None    # Fortsatta insatser?
    next_meeting_on: Optional[dt.date] = None      # Nytt möte
    outcome: Optional[str] = None                  # key in process.yaml follow_up_outcomes
    rector_decided_close: bool = False             # without `outcome`: the outcome with closes: true
    open_items_reason: Optional[str] = None
    confirm_other_day: bool = False                # held on another day than the one booked: said on purpose


class MeetingCreate(SQLModel):
    """Any other meeting (EHT, network, SIP, SPIS, ...): participants and decisions, some of which become tasks."""
    kind: Optional[str] = None
    held_on: Optional[dt.date] = None
    participants: Optional[str] = None
    decisions: Optional[str] = None
    division_of_responsibility: Optional[str] = None
    next_meeting_on: Optional[dt.date] = None
    actor_types: list[str] = Field(default_factory=list)  # other actors who took part (counted per year)
    tasks: list[TaskCreate] = Field(default_factory=list)
