"""The process kept in the database, in versions: seeded from data/*.yaml on first start, then published, rolled back
and imported by the team leader. Every app server reads the newest version, so a publish shows at once everywhere.

A version holds the four files as YAML text (`ProcessVersion.files`), checked by the very validation data/ gets at
start-up (narvaro.core.config.parse_texts), and is never changed afterwards: a rollback publishes an old version's
files again as a new version. `sync` makes the newest version what narvaro.core.config.get_config() returns in this
process; the app calls it at every run (one small query), a command at its start.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from narvaro.core import audit, clock, config, validate
from narvaro.core.config import FILE_NAMES, Config, parse_texts, read_texts
from narvaro.core.config_outcomes import across_files
from narvaro.core.errors import ConfigError, FieldError, FormError, NotFound
from narvaro.core.models import CLOSED, Case, ProcessVersion
from narvaro.core.process_diff import diff

SEED, PUBLISH, ROLLBACK, IMPORT = "grund", "publicering", "återställning", "import"
SYSTEM = "system"


def files_of(row: ProcessVersion) -> dict[str, str]:
    """A version's YAML texts by file name."""
    return json.loads(row.files)


def newest_number(session: Session) -> int | None:
    return session.exec(select(func.max(ProcessVersion.id))).one()


def newest(session: Session) -> ProcessVersion | None:
    number = newest_number(session)
    return session.get(ProcessVersion, number) if number is not None else None


def history(session: Session) -> list[ProcessVersion]:
    """Every version, newest first."""
    return list(session.exec(select(ProcessVersion).order_by(col(ProcessVersion.id).desc())).all())


def get(session: Session, number: int) -> ProcessVersion:
    row = session.get(ProcessVersion, number)
    if row is None:
        raise NotFound(f"Processversion {number} finns inte.")
    return row


def during(session: Session, start: dt.date, end: dt.date) -> list[tuple[int, dt.date | None]]:
    """The versions a period was worked under: the one in force when it began (None: the whole start; the first
    version stands for the time before it was seeded) and each published within it, with its (Swedish) day."""
    rows = [(n, clock.local(at).date()) for n, at in session.exec(
        select(ProcessVersion.id, ProcessVersion.created_at).order_by(col(ProcessVersion.id))).all()]
    before = [n for n, day in rows if day <= start]
    first = before[-1] if before else (rows[0][0] if rows else None)
    within = [(n, day) for n, day in rows if start < day <= end and n != first]
    return ([(first, None)] if first is not None else []) + within


def during_text(session: Session, start: dt.date, end: dt.date) -> str:
    """The versions of `during` in words, for the indicators' definitions."""
    found = during(session, start, end)
    if not found:
        return ""
    if len(found) == 1:
        return f"Arbetsgångens version {found[0][0]} gällde hela perioden."
    later = ", ".join(f"version {n} från {day.isoformat()}" for n, day in found[1:])
    return f"Arbetsgångens versioner under perioden: version {found[0][0]} från periodens början, {later}."


def files(session: Session, number: int | None = None) -> dict[str, str]:
    """The YAML texts of a version (the newest by default), as data/ holds them."""
    row = get(session, number) if number is not None else newest(session)
    if row is None:
        raise NotFound("Det finns ingen processversion ännu.")
    return files_of(row)


def seed(session: Session, data_dir: Path | str | None = None) -> ProcessVersion | None:
    """On an empty table, version 1 from data/*.yaml (validated as at start-up: a ConfigError if they are wrong).
    Committed at once; of two servers starting together, one seeds and the other reads its version."""
    if newest_number(session) is not None:
        return None
    source = Path(data_dir or os.environ.get("NARVARO_DATA_DIR") or config.DATA_DIR)
    texts = read_texts(source)
    parse_texts(texts, source)
    row = ProcessVersion(id=1, kind=SEED, files=json.dumps(texts, ensure_ascii=False), created_by=SYSTEM,
                         reason=f"Första versionen, från filerna i {source.name}/")
    session.add(row)
    audit.record(session, SYSTEM, audit.PROCESS, detail=f"Version 1 ({SEED}): {row.reason}")
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return None
    return row


def _aliases(session: Session, current: Config) -> dict[str, str]:
    """Every closure-reason label any version used -> its label in `current` (matched by key)."""
    now = {r.key: r.label for r in current.reference.closure_reasons}
    out: dict[str, str] = {}
    for text in session.exec(select(ProcessVersion.files)).all():
        ref = yaml.safe_load(json.loads(text).get("reference") or "") or {}
        for r in ref.get("closure_reasons") or []:
            if isinstance(r, dict) and r.get("label"):
                key = r.get("key") or r["label"]
                if key in now and now[key] != r["label"]:
                    out[r["label"]] = now[key]
    return out


@lru_cache(maxsize=16)
def _parse(files_json: str, number: int) -> Config:
    return parse_texts(json.loads(files_json), f"processversion {number}", version=number)


def config_of(session: Session, number: int) -> Config:
    """A version as a Config (parsed once per process); labels of renamed closure reasons map to the newest ones."""
    return _parse(get(session, number).files, number)


_synced: tuple[str, int, Config] | None = None  # (database, version, its Config) this process last activated


def _db(session: Session) -> str:
    return session.get_bind().url.render_as_string(hide_password=True)


def sync(session: Session) -> Config:
    """Make the newest version what get_config() returns in this process (seeding version 1 on first start)."""
    global _synced
    number = newest_number(session)
    if number is None:
        seed(session)
        number = newest_number(session)
    if _synced is not None and _synced[:2] == (_db(session), number):
        return _synced[2]
    base = config_of(session, number)
    current = base.model_copy(update={"closure_aliases": _aliases(session, base)})
    config.activate(current)
    _synced = (_db(session), number, current)
    return current


def forget() -> None:
    """Back to data/*.yaml in this process (tests; a command done with its database)."""
    global _synced
    _synced = None
    config.activate(None)


def for_case(session: Session, case: Case) -> Config:
    """The process a case is shown under: a closed case keeps the version it was last worked under, so a later
    change to a checklist never rewrites what was ticked in it; an open case is worked under the newest version."""
    now = config.get_config()
    number = case.process_version
    if case.status != CLOSED or number is None or number == now.version:
        return now
    try:
        return config_of(session, number)
    except (NotFound, ConfigError):
        return now


# --- publishing -------------------------------------------------------------------------------------

def draft_errors(raw: dict[str, dict]) -> dict[str, str]:
    """A draft's problems (the four files as data, as the editor holds them), each at its field: the key is
    "<file>.<key path>" (e.g. "reference.closure_reasons.2.label"), or "<file>" for a problem of the file as a whole.
    The same models as the start-up check, so a draft that passes here passes there."""
    errors: dict[str, str] = {}
    parts: dict[str, BaseModel] = {}
    for name, model in config.MODELS.items():
        try:
            parts[name] = model.model_validate(raw.get(name) or {})
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join([name, *(str(p) for p in err["loc"])])
                msg = err["msg"].removeprefix("Value error, ")
                errors[field] = f"{errors[field]} {msg}" if field in errors else msg
    if "process" in parts and "reference" in parts:
        problem = across_files(parts["process"], parts["reference"])
        if problem:
            errors["process.follow_up_outcomes"] = problem
    for field in markup_fields(raw):
        errors.setdefault(field, MARKUP_MESSAGE)
    return errors


# Process text is typed in the app now and drawn in places Streamlit renders as Markdown (widget labels): a
# Markdown image or link, or HTML, would make every browser that shows it fetch from another server. Checked when
# a version is made (editor, CLI, rollback), not when one is read, so nothing already stored can stop a page.
MARKUP = ("![", "](", "<")
MARKUP_MESSAGE = "Texten får inte innehålla länkar, bilder eller HTML (tecknen ![, ]( eller <)."


def markup_fields(raw, path: str = "") -> list[str]:
    """The fields ("<file>.<key path>") of a draft whose text holds Markdown image/link or HTML syntax."""
    if isinstance(raw, str):
        return [path] if any(m in raw for m in MARKUP) else []
    items = raw.items() if isinstance(raw, dict) else enumerate(raw) if isinstance(raw, list) else []
    return [f for key, value in items for f in markup_fields(value, f"{path}.{key}" if path else str(key))]


def to_texts(raw: dict[str, dict]) -> dict[str, str]:
    """The editor's data as the YAML files data/ holds."""
    return {name: yaml.safe_dump(raw[name], allow_unicode=True, sort_keys=False, width=120) for name in FILE_NAMES}


def to_raw(texts: dict[str, str]) -> dict[str, dict]:
    return {name: yaml.safe_load(texts[name]) or {} for name in FILE_NAMES}


def _guard_open_steps(session: Session, new: Config) -> None:
    """A step with open cases in it cannot go: those cases would point at nothing."""
    keys = {s.key for s in new.process.steps}
    used = session.exec(select(Case.current_step).where(Case.status != CLOSED,
                                                        col(Case.current_step).is_not(None)).distinct()).all()
    gone = sorted(k for k in used if k not in keys)
    if gone:
        raise FieldError("process.steps", f"Steget {gone[0]!r} har pågående ärenden och kan inte tas bort.")


def publish(session: Session, texts: dict[str, str], by: str, reason: str | None, kind: str = PUBLISH,
            based_on: int | None = None, where: str = "utkast") -> ProcessVersion:
    """Check the files as at start-up, and publish them as the next version with who, when, why and the diff."""
    why = validate.text(reason, "reason", validate.REASON_MAX, required="Skriv varför arbetsgången ändras.")
    new = parse_texts(texts, where)
    marked = markup_fields(to_raw(texts))
    if marked:
        raise FormError({field: MARKUP_MESSAGE for field in marked})
    _guard_open_steps(session, new)
    before = newest(session)
    changes = diff(files_of(before), texts) if before is not None else []
    if before is not None and not changes:
        raise FieldError("draft", f"Inget skiljer sig från den publicerade versionen {before.id}.")
    # The number is given, not drawn from a sequence: of two publishes at once, one wins and the other is told.
    row = ProcessVersion(id=(before.id + 1) if before is not None else 1, kind=kind, reason=why,
                         files=json.dumps({n: texts[n] for n in FILE_NAMES}, ensure_ascii=False),
                         diff="\n".join(changes), based_on=based_on, created_by=by)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise FieldError("draft", "Någon annan publicerade en version samtidigt. Ladda om sidan och försök igen.") \
            from None
    tail = f" (återställer version {based_on})" if based_on else ""
    audit.record(session, by, audit.PROCESS, detail=f"Version {row.id} ({kind}){tail}: {why}\n" + "\n".join(changes))
    return row


def publish_draft(session: Session, raw: dict[str, dict], by: str, reason: str | None,
                  started_from: int | None = None) -> ProcessVersion:
    """Publish the editor's draft; `started_from` is the version it began as, so that a version someone else
    published meanwhile is not silently undone."""
    errors = draft_errors(raw)
    if errors:
        raise FormError(errors)
    now = newest_number(session)
    if started_from is not None and now != started_from:
        raise FieldError("draft", f"Version {now} har publicerats sedan du började ändra (från version "
                                  f"{started_from}). Börja om från version {now} och gör dina ändringar igen.")
    return publish(session, to_texts(raw), by, reason)


def rollback(session: Session, number: int, by: str, reason: str | None) -> ProcessVersion:
    """Publish an earlier version's files again, as a new version."""
    return publish(session, files_of(get(session, number)), by, reason, kind=ROLLBACK, based_on=number)


def import_dir(session: Session, folder: Path, by: str, reason: str | None) -> ProcessVersion:
    """Publish the four YAML files of a folder (another municipality's export): a ConfigError names file, line
    and key, and nothing is published."""
    return publish(session, read_texts(folder), by, reason, kind=IMPORT, where=str(folder))


def export_dir(session: Session, folder: Path, number: int | None = None) -> list[Path]:
    """Write a version (the newest by default) as the four YAML files data/ holds."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in files(session, number).items():
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def new_key(text: str | None, taken: set[str]) -> str:
    """A key for a row added in the editor, from its text ("Boka lokal" -> "boka_lokal"), unique among `taken`.
    Keys are what cases refer to, so the editor never lets anyone type or change one."""
    folded = unicodedata.normalize("NFKD", str(text or "").casefold().translate(_SWEDISH))
    base = "_".join("".join(c if c.isalnum() and c.isascii() else " " for c in folded).split())[:40] or "ny"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


_SWEDISH = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u"})
