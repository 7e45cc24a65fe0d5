"""Interventions on a case: the exempellista, picking, status, effect per follow-up meeting, and what has worked.

The list in data/interventions.yaml is a starting point for the talk with the school (seed 003, Bilaga 2
and 4); a case may carry custom interventions, and the team leader can lift a custom one into the list.
The usage figures answer the rectors' question "why does it work in some cases and not in others", so
they are counted in the database and small counts are hidden: no pupil may be recognisable.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import and_, case as sql_case, distinct, func, literal, null
from sqlmodel import Session, col, select

from . import audit, cases, clock, config, consent, suppression
from .config import InterventionDef, get_config
from .errors import FieldError
from .models import CLOSED, Case, CaseIntervention, EffectRating, Meeting
from .text import fold

KINDS = ("samordnande", "operativa")
KIND_LABELS = {"samordnande": "Samordnande", "operativa": "Operativa"}
PROMOTER_ROLES = frozenset({"teamledare"})

NAME_MAX = 200
PLAN_MAX = 500
COMMENT_MAX = 1000
DESCRIPTION_MAX = 300


class InterventionError(FieldError):
    """Bad input for an intervention."""


# --- the exempellista --------------------------------------------------------------------------

def catalogue(search: str = "") -> dict[str, list[InterventionDef]]:
    """The exempellista by kind, keeping only entries whose name or description contains `search`."""
    cat = get_config().interventions
    words = fold(search).split()

    def hit(d: InterventionDef) -> bool:
        hay = fold(f"{d.name} {d.description}")
        return all(w in hay for w in words)

    return {"samordnande": [d for d in cat.samordnande if hit(d)],
            "operativa": [d for d in cat.operativa if hit(d)]}


def find_definition(key: str) -> tuple[str, InterventionDef] | None:
    return next(((kind, d) for kind, d in get_config().interventions.all() if d.key == key), None)


# --- changes on a case ---------------------------------------------------------------------------

def _intervention_on_case(session: Session, case_id: int, ci_id: int) -> CaseIntervention:
    ci = session.get(CaseIntervention, ci_id)
    if ci is None or ci.case_id != case_id:
        raise InterventionError("intervention", "Insatsen finns inte på ärendet.")
    return ci


def _custom_name(name: str | None, kind: str | None, missing: str) -> str:
    """A custom intervention's name and kind, checked the same way when it is picked and when it is promoted."""
    name = (name or "").strip()
    if not name:
        raise InterventionError("name", missing)
    if len(name) > NAME_MAX:
        raise InterventionError("name", f"Namnet får vara högst {NAME_MAX} tecken.")
    if kind not in KINDS:
        raise InterventionError("kind", "Välj om insatsen är samordnande eller operativ.")
    return name


def add_intervention(session: Session, case_id: int, expected_version: int, *, by: str, kind: str | None = None,
                     intervention_key: str | None = None, name: str | None = None, performed_by: str | None,
                     actor_type: str | None = None, start_on: dt.date | None = None, plan: str | None = None,
                     status: str | None = None) -> CaseIntervention:
    """Put an intervention on the case: one from the exempellista (`intervention_key`) or a custom one (`name`, `kind`).

    A coordinating intervention that involves an external actor is refused (consent.MissingConsent)
    unless a valid consent covers that actor, today and on the start date.
    """
    ref = get_config().reference
    if intervention_key:
        found = find_definition(intervention_key)
        if found is None:
            raise InterventionError("intervention_key", "Insatsen finns inte i exempellistan. Välj en insats ur listan.")
        kind, definition = found
        name = definition.name
    else:
        name = _custom_name(name, kind, "Skriv vad den egna insatsen heter.")
    # Who carries it out and its statuses are lists in data/reference.yaml; the first status is the default.
    performers, statuses = ref.performer_labels, ref.intervention_status_labels
    status = status or statuses[0]
    if performed_by not in performers:
        raise InterventionError("performed_by", f"Välj vem som utför insatsen ({', '.join(performers)}).")
    actor_type = actor_type or None
    if actor_type is not None and actor_type not in ref.actor_types:
        raise InterventionError("actor_type", f"Okänd aktör: {actor_type}.")
    if performed_by == ref.other_actor_performer and actor_type is None:
        raise InterventionError("actor_type", "Välj vilken aktör som utför insatsen.")
    plan = (plan or "").strip() or None
    if plan is not None and len(plan) > PLAN_MAX:
        raise InterventionError("plan", f"Frekvens eller plan får vara högst {PLAN_MAX} tecken.")
    if status not in statuses:
        raise InterventionError("status", f"Välj en status ({', '.join(statuses)}).")

    if kind == "samordnande" and actor_type is not None:
        # Checked before the case is claimed, so a refusal changes nothing.
        today = clock.today()
        consent.require_consent(session, case_id, actor_type, today)
        if start_on is not None and start_on > today:
            consent.require_consent(session, case_id, actor_type, start_on)

    cases.claim(session, case_id, expected_version, by)
    ci = CaseIntervention(case_id=case_id, intervention_key=intervention_key or None, name=name, kind=kind,
                          performed_by=performed_by, actor_type=actor_type, start_on=start_on, plan=plan,
                          status=status, created_by=by)
    session.add(ci)
    session.flush()
    who = performed_by if actor_type is None else f"{performed_by}, {actor_type}"
    own = "" if intervention_key else " (egen insats)"
    cases.add_event(session, case_id, "insats",
                    f"Insats tillagd: {name}{own}, {KIND_LABELS[kind].lower()}, utförs av {who}.", by)
    audit.record(session, by, audit.CHANGE, case_id, f"insats tillagd: {name}")
    return ci


def update_status(session: Session, case_id: int, expected_version: int, ci_id: int, status: str,
                  by: str) -> CaseIntervention:
    statuses = get_config().reference.intervention_status_labels
    if status not in statuses:
        raise InterventionError("status", f"Välj en status ({', '.join(statuses)}).")
    ci = _intervention_on_case(session, case_id, ci_id)
    if ci.status == status:
        raise InterventionError("status", f"Insatsen har redan status {status}.")
    cases.claim(session, case_id, expected_version, by)
    before = ci.status
    ci.status = status
    session.add(ci)
    cases.add_event(session, case_id, "insats", f"Insatsen {ci.name}: status {before} → {status}.", by)
    audit.record(session, by, audit.CHANGE, case_id, f"insats {ci.id} status {status}")
    return ci


def rate_effect(session: Session, case_id: int, expected_version: int, ci_id: int, *, rating: str,
                comment: str | None, meeting_id: int | None, by: str) -> EffectRating:
    """The effect of an intervention as judged at a follow-up meeting (one rating per meeting)."""
    if rating not in get_config().reference.effect_ratings:
        raise InterventionError("rating", "Välj en effekt ur listan.")
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise InterventionError("comment", f"Kommentaren får vara högst {COMMENT_MAX} tecken.")
    ci = _intervention_on_case(session, case_id, ci_id)
    meeting = None
    if meeting_id is not None:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.case_id != case_id:
            raise InterventionError("meeting_id", "Mötet finns inte på ärendet.")
        taken = session.exec(select(EffectRating.id).where(EffectRating.case_intervention_id == ci.id,
                                                           EffectRating.meeting_id == meeting_id)).first()
        if taken is not None:
            raise InterventionError("meeting_id", f"Insatsen har redan en effektbedömning från mötet {meeting.held_on}.")
    cases.claim(session, case_id, expected_version, by)
    er = EffectRating(case_intervention_id=ci.id, meeting_id=meeting_id, rating=rating, comment=comment, rated_by=by)
    session.add(er)
    session.flush()
    at = f" vid mötet {meeting.held_on.isoformat()}" if meeting else ""
    cases.add_event(session, case_id, "insats", f"Effekt av {ci.name}{at}: {rating}.", by,
                    meeting.held_on if meeting else None)
    audit.record(session, by, audit.CHANGE, case_id, f"insats {ci.id} effekt {rating}")
    return er


# --- reading a case's interventions --------------------------------------------------------------

@dataclass(frozen=True)
class Rating:
    rating: str
    comment: str | None
    meeting_on: dt.date | None
    rated_by: str
    rated_at: dt.datetime


def for_case(session: Session, case_id: int) -> list[CaseIntervention]:
    kind_order = sql_case((CaseIntervention.kind == "samordnande", 0), else_=1)
    return list(session.exec(select(CaseIntervention).where(CaseIntervention.case_id == case_id)
                             .order_by(kind_order, col(CaseIntervention.id))).all())


def ratings(session: Session, case_id: int) -> dict[int, list[Rating]]:
    """Effect ratings of the case's interventions, oldest first, with the date of the meeting they belong to."""
    rows = session.exec(
        select(EffectRating, Meeting.held_on)
        .join(CaseIntervention, CaseIntervention.id == EffectRating.case_intervention_id)
        .outerjoin(Meeting, Meeting.id == EffectRating.meeting_id)
        .where(CaseIntervention.case_id == case_id)
        .order_by(col(EffectRating.id))
    ).all()
    out: dict[int, list[Rating]] = {}
    for er, held_on in rows:
        out.setdefault(er.case_intervention_id, []).append(
            Rating(er.rating, er.comment, held_on, er.rated_by, er.rated_at))
    return out


# --- what the team has used, and what worked -----------------------------------------------------

@dataclass(frozen=True)
class Usage:
    key: str | None        # exempellista key; None for a custom intervention
    name: str
    kind: str
    cases: int             # cases that used it
    closed: int            # of those, closed
    returned: int          # of the closed, closed because the pupil returned to teaching

    @property
    def returned_share(self) -> float | None:
        return round(100.0 * self.returned / self.closed, 1) if self.closed else None


def usage(session: Session) -> list[Usage]:
    """Per intervention: cases that used it, closed ones, and closed ones where the pupil returned to school.

    Counted in SQL (COUNT DISTINCT per case, so an intervention picked twice in one case counts once).
    A custom intervention whose name is now in the exempellista (it was promoted) counts as that entry.
    """
    cfg = get_config()
    returned_label = cfg.reference.returned_reason
    names = {d.name: d.key for _, d in cfg.interventions.all()}
    ci = CaseIntervention
    by_name = sql_case(*[(ci.name == n, literal(k)) for n, k in names.items()], else_=null()) if names else null()
    gkey = func.coalesce(ci.intervention_key, by_name)
    # Grouping happens on a subquery's columns: PostgreSQL will not match the same CASE expression twice
    # when its bound parameters get different names in SELECT and GROUP BY.
    inner = (
        select(ci.case_id.label("case_id"), gkey.label("gkey"),
               sql_case((gkey.is_(None), ci.name), else_=literal("")).label("gname"),
               sql_case((gkey.is_(None), ci.kind), else_=literal("")).label("gkind"),
               Case.status.label("status"), Case.closure_reason.label("reason"))
        .join(Case, Case.id == ci.case_id)
        .subquery()
    )
    closed_case = sql_case((inner.c.status == CLOSED, inner.c.case_id), else_=null())
    returned_case = sql_case((and_(inner.c.status == CLOSED, inner.c.reason == returned_label), inner.c.case_id),
                             else_=null())
    rows = session.exec(
        select(inner.c.gkey, inner.c.gname, inner.c.gkind, func.count(distinct(inner.c.case_id)),
               func.count(distinct(closed_case)), func.count(distinct(returned_case)))
        .group_by(inner.c.gkey, inner.c.gname, inner.c.gkind)
    ).all()
    defs = {d.key: (kind, d) for kind, d in cfg.interventions.all()}
    out = []
    for key, gname, gkind, n, n_closed, n_returned in rows:
        if key is not None:
            kind, d = defs.get(key, (gkind or "", None))
            name = d.name if d else key
        else:
            kind, name = gkind, gname
        out.append(Usage(key, name, kind, int(n), int(n_closed), int(n_returned)))
    return sorted(out, key=lambda u: (u.key is None, u.name))


def usage_display(u: Usage | None, threshold: int) -> dict[str, Any]:
    """The figures as the picker shows them: counts under the threshold as "<N", shares on few cases as "–".

    The counts are hidden from every role, not only from a läsare: the picker is where schools look with
    the coordinator, and a small outcome group is one pupil the room may know."""
    n, closed, returned = (u.cases, u.closed, u.returned) if u else (0, 0, 0)
    share = round(100.0 * returned / closed, 1) if closed else None
    # Closed = returned + not returned. With the closed count shown, a visible "returned" would give away a
    # small "did not return" by subtraction, so it is hidden too (and the share, which says the same).
    not_returned = closed - returned
    hide_returned = suppression.line([returned, not_returned], threshold)[0]
    return {
        "Använd i ärenden": suppression.count(n, threshold),
        "Avslutade ärenden": suppression.count(closed, threshold),
        "Varav återgått till undervisning": suppression.marker(threshold) if hide_returned else returned,
        "Andel återgått (%)": (suppression.derived(share, min(returned, not_returned), threshold)
                               if closed else None),
    }


# --- promoting a custom intervention into data/interventions.yaml --------------------------------

_write_lock = threading.Lock()


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:50] or "insats"


def _header(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            lines.append(line)
        else:
            break
    return "\n".join(lines) + "\n" if lines else ""


def _dump(header: str, data: dict[str, list[dict[str, str]]]) -> str:
    # One flow mapping per line, as the hand-written file has, so a person can still read and edit it.
    out = [header.rstrip("\n")] if header else []
    for kind in KINDS:
        out.append(f"{kind}:")
        for entry in data[kind]:
            flow = yaml.safe_dump(entry, default_flow_style=True, allow_unicode=True, sort_keys=False,
                                  width=1_000_000).strip()
            out.append(f"  - {flow}")
    return "\n".join(out) + "\n"


def promote(session: Session, *, name: str, kind: str, description: str, by: str, role: str) -> InterventionDef:
    """Lift a custom intervention into the exempellista (team leader only).

    The new file is written beside the old one, validated as the app would read it, and only then put
    in place with an atomic rename; the configuration is then reloaded and the change audited.
    """
    if role not in PROMOTER_ROLES:
        raise PermissionError("Bara teamledaren kan lyfta in insatser i exempellistan.")
    name = _custom_name(name, kind, "Välj vilken egen insats som ska lyftas in.")
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise InterventionError("description", f"Beskrivningen får vara högst {DESCRIPTION_MAX} tecken.")

    data_dir = Path(get_config().data_dir)
    target = data_dir / "interventions.yaml"
    with _write_lock:
        text = target.read_text(encoding="utf-8")
        current = config.Interventions.model_validate(yaml.safe_load(text))
        if any(fold(d.name) == fold(name) for _, d in current.all()):
            raise InterventionError("name", f"{name} finns redan i exempellistan.")
        taken = {d.key for _, d in current.all()}
        key, i = _slug(name), 2
        base = key
        while key in taken:
            key, i = f"{base}_{i}", i + 1
        new = InterventionDef(key=key, name=name, description=description)
        data = {k: [d.model_dump() for d in getattr(current, k)] for k in KINDS}
        data[kind].append(new.model_dump())
        fd, tmp_name = tempfile.mkstemp(prefix=".interventions-", suffix=".yaml", dir=data_dir)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(_dump(_header(text), data))
                fh.flush()
                os.fsync(fh.fileno())
            checked = config.load_file(tmp, config.Interventions)
            if checked.model_dump() != {k: data[k] for k in KINDS}:
                raise config.ConfigError(f"{target}: den nya filen läses inte tillbaka som den skrevs")
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    config.reload_config()
    audit.record(session, by, audit.CONFIG, None,
                 f"egen insats lyft in i exempellistan: {name} ({KIND_LABELS[kind].lower()}, nyckel {key})")
    return new
