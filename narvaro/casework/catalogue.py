"""The exempellista: data/interventions.yaml (seed 003, Bilaga 2 and 4; seed 001's supporting work) plus what the team leader has lifted in
from cases, which is kept in the database so every app server sees it at once.

The list is a starting point for the talk with the school; a case may also carry custom interventions.
"""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import exc
from sqlmodel import Session, col, select

from narvaro.core import audit
from narvaro.core.config import InterventionDef, get_config
from narvaro.core.errors import FieldError, NotAllowed
from narvaro.core.models import CatalogueEntry
from narvaro.core.permissions import PROMOTER_ROLES
from narvaro.core.text import fold

# The three kinds of the 2022 service description (001:47-65): supporting work sits between the two of seed 003.
KINDS = ("samordnande", "stodjande", "operativa")
KIND_LABELS = {"samordnande": "Samordnande", "stodjande": "Stödjande", "operativa": "Operativa"}
# Kinds whose work with an external actor exchanges information about the pupil, so consent must cover the actor:
# coordinating (001:29-33) and supporting, "en länk mellan dessa olika parter" (001:57-58).
CONSENT_KINDS = ("samordnande", "stodjande")
NAME_MAX = 200
DESCRIPTION_MAX = 300


def entries(session: Session) -> list[tuple[str, InterventionDef]]:
    """Every entry as (kind, definition): the file's, then the promoted ones in the order they were added."""
    promoted = session.exec(select(CatalogueEntry).order_by(col(CatalogueEntry.id))).all()
    return get_config().interventions.all() + [
        (row.kind, InterventionDef(key=row.key, name=row.name, description=row.description)) for row in promoted]


def catalogue(session: Session, search: str = "") -> dict[str, list[InterventionDef]]:
    """The exempellista by kind, keeping only entries whose name or description contains every word of `search`."""
    words = fold(search).split()
    out: dict[str, list[InterventionDef]] = {kind: [] for kind in KINDS}
    for kind, d in entries(session):
        hay = fold(f"{d.name} {d.description}")
        if all(w in hay for w in words):
            out[kind].append(d)
    return out


def find_definition(session: Session, key: str) -> tuple[str, InterventionDef] | None:
    return next(((kind, d) for kind, d in entries(session) if d.key == key), None)


def custom_name(name: str | None, kind: str | None, missing: str) -> str:
    """A custom intervention's name and kind, checked the same way when it is picked and when it is promoted."""
    name = (name or "").strip()
    if not name:
        raise FieldError("name", missing)
    if len(name) > NAME_MAX:
        raise FieldError("name", f"Namnet får vara högst {NAME_MAX} tecken.")
    if kind not in KINDS:
        raise FieldError("kind", "Välj om insatsen är samordnande, stödjande eller operativ.")
    return name


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:50] or "insats"


def promote(session: Session, *, name: str, kind: str, description: str, by: str, role: str) -> InterventionDef:
    """Lift a custom intervention into the exempellista (team leader only).

    Unique keys and names in the table make two app servers promoting the same name at once safe: one wins,
    the other gets the message that the name is already in the list.
    """
    if role not in PROMOTER_ROLES:
        raise NotAllowed("Bara teamledaren kan lyfta in insatser i exempellistan.")
    name = custom_name(name, kind, "Välj vilken egen insats som ska lyftas in.")
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise FieldError("description", f"Beskrivningen får vara högst {DESCRIPTION_MAX} tecken.")
    current = entries(session)
    taken_names = {fold(d.name) for _, d in current}
    if fold(name) in taken_names:
        raise FieldError("name", f"{name} finns redan i exempellistan.")
    taken = {d.key for _, d in current}
    key, i = _slug(name), 2
    base = key
    while key in taken:
        key, i = f"{base}_{i}", i + 1
    try:
        with session.begin_nested():
            session.add(CatalogueEntry(key=key, kind=kind, name=name, folded_name=fold(name)[:200],
                                       description=description, created_by=by))
    except exc.IntegrityError:
        raise FieldError("name", f"{name} finns redan i exempellistan.") from None
    audit.record(session, by, audit.CONFIG, None,
                 f"egen insats lyft in i exempellistan: {name} ({KIND_LABELS[kind].lower()}, nyckel {key})")
    return InterventionDef(key=key, name=name, description=description)
