"""What a follow-up meeting can decide (data/process.yaml, `follow_up_outcomes`), and its checks.

Seed 003 ends every follow-up meeting with "Nytt möte" (003:522), lets Steg 4 begin "efter uppföljningsmöte och eleven
har närvaro i skolan" (003:563), and lets the rector decide to close when the interventions give no effect
(003:524-526). Those three decisions are data, so a municipality can word or add them without a code change. Kept apart
from narvaro.core.config so that module stays small; config imports it, never the other way.
"""
from __future__ import annotations

from typing import Any, Sequence

from pydantic import BaseModel, ConfigDict


class FollowUpOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str
    text: str
    to: str                          # the step the case goes to after the meeting
    next_meeting: bool = False       # a new follow-up meeting is booked (003:522 "Nytt möte")
    returns_to_school: bool = False  # the pupil attends school: Steg 4's condition (003:563)
    closes: bool = False             # the rector decides to close (003:524-526)


def check_outcomes(outcomes: Sequence[FollowUpOutcome], steps: Sequence[Any]) -> None:
    """Raise ValueError (with a Swedish message) unless the outcomes fit the steps.

    Every outcome leads to a step after the first meeting step. One that books a new meeting leads to a step that
    ends with a meeting, and one that does not leads to a step that does not, so the board's "no meeting booked"
    warning means what it says.
    """
    keys = [o.key for o in outcomes]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise ValueError(f"follow_up_outcomes: utfallet {dup[0]!r} finns två gånger")
    index = {s.key: i for i, s in enumerate(steps)}
    meeting_steps = [i for i, s in enumerate(steps) if s.ends_with_meeting]
    for o in outcomes:
        if o.to not in index:
            raise ValueError(f"follow_up_outcomes: utfallet {o.key!r} leder till steget {o.to!r} som inte finns")
        if not meeting_steps or index[o.to] <= meeting_steps[0]:
            raise ValueError(f"follow_up_outcomes: utfallet {o.key!r} måste leda till ett steg efter det första "
                             "steget som slutar med ett uppföljningsmöte")
        if o.next_meeting != steps[index[o.to]].ends_with_meeting:
            raise ValueError(f"follow_up_outcomes: utfallet {o.key!r} ska ha next_meeting: true precis när steget "
                             f"{o.to!r} slutar med ett uppföljningsmöte")
        if o.next_meeting and (o.closes or o.returns_to_school):
            raise ValueError(f"follow_up_outcomes: utfallet {o.key!r} kan inte både boka nytt möte och avsluta")
    for flag in ("closes", "returns_to_school"):
        if sum(getattr(o, flag) for o in outcomes) > 1:
            raise ValueError(f"follow_up_outcomes: högst ett utfall kan ha {flag}: true")


def across_files(process: Any, reference: Any) -> str | None:
    """Rules that span process.yaml and reference.yaml; the problem in words, or None."""
    closes = next((o for o in process.follow_up_outcomes if o.closes), None)
    if closes is not None and reference.rector_closed_reason is None:
        return (f"follow_up_outcomes: utfallet {closes.key!r} avslutar, men inget avslutsskäl i reference.yaml har "
                "rector_closed: true")
    return None
