"""import, export, backup, restore, purge: bringing data in and out safely."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from narvaro.commands import database_url, session_for
from narvaro.core import audit
from narvaro.dataio import backup, exporter, importer, retention

BY = "kommandorad"


def register(sub) -> None:
    p = sub.add_parser("import", help="importera tidigare ärenden från CSV eller Excel (allt eller inget)")
    p.add_argument("file", type=Path, help="CSV (; eller , UTF-8) eller .xlsx med rubrikrad")
    p.add_argument("--dry-run", action="store_true", help="kontrollera och visa rapporten utan att skriva")
    p.set_defaults(func=_import)

    p = sub.add_parser("export", help="exportera alla ärenden i importformatet")
    p.add_argument("out", type=Path, help="filen att skriva (.xlsx eller .csv)")
    p.add_argument("--format", choices=exporter.FORMATS, help="standard: efter filändelsen, annars xlsx")
    p.add_argument("--with-notes", action="store_true",
                   help="ta med tjänsteanteckningar och möten (extra blad, eller extra CSV-filer bredvid)")
    p.set_defaults(func=_export)

    p = sub.add_parser("backup", help="säkerhetskopiera databasen till en katalog (går medan appen körs)")
    p.add_argument("dir", type=Path)
    p.set_defaults(func=_backup)

    p = sub.add_parser("restore", help="återställ databasen från en säkerhetskopia")
    p.add_argument("file", type=Path)
    p.add_argument("--force", action="store_true", help="skriv över en databas som redan har data")
    p.set_defaults(func=_restore)

    p = sub.add_parser("purge", help="gallra: anonymisera avslutade ärenden enligt rules.retention_years_after_close")
    p.add_argument("--dry-run", action="store_true", help="lista vad som skulle gallras utan att ändra något")
    p.set_defaults(func=_purge)


def _who() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "okänd"


def _import(args) -> int:
    if not args.file.exists():
        print(f"Filen {args.file} finns inte.", file=sys.stderr)
        return 2
    print(f"Kontrollerar {args.file.name} …", file=sys.stderr, flush=True)

    def progress(done: int, total: int) -> None:  # one line on the terminal, rewritten as the batches land
        print(f"\rSkriver: {done}/{total} rader skrivna", end="\n" if done == total else "", file=sys.stderr,
              flush=True)

    with session_for(args) as s:
        report = importer.import_file(s, args.file.read_bytes(), args.file.name, BY, dry_run=args.dry_run,
                                      progress=progress)
    stream = sys.stdout if report.ok else sys.stderr
    for line in report.lines():
        print(line, file=stream)
    if args.dry_run and report.ok:
        print("Provkörning: ingenting är skrivet.")
    return 0 if report.ok else 1


def _export(args) -> int:
    try:
        with session_for(args) as s:
            paths = exporter.write_export(s, args.out, args.format, args.with_notes)
            exporter.record_export(s, BY, exporter.format_for(args.out, args.format), args.with_notes,
                                   f"{', '.join(str(p) for p in paths)} (OS-användare {_who()})")
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    for path in paths:
        print(f"Skrev {path}")
    return 0


def _backup(args) -> int:
    try:
        path = backup.backup(database_url(args), args.dir)
    except backup.BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    _record(args, f"säkerhetskopia {path}")
    print(f"Säkerhetskopian är sparad: {path}")
    return 0


def _restore(args) -> int:
    try:
        backup.restore(args.file, database_url(args), force=args.force)
    except backup.BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    _record(args, f"återställde databasen från {args.file}")  # opening it migrates a copy from an older version
    print(f"Databasen är återställd från {args.file}.")
    return 0


def _record(args, detail: str) -> None:
    """Backups and restores are audited like the app's exports, with the OS user since no one logs in here."""
    with session_for(args) as s:
        audit.record(s, BY, audit.BACKUP, None, f"{detail} (OS-användare {_who()})")


def _purge(args) -> int:
    with session_for(args) as s:
        items = retention.due(s) if args.dry_run else retention.purge(s, BY)
    if args.dry_run:
        print(f"{len(items)} avslutade ärenden skulle gallras (anonymiseras):")
    else:
        print(f"{len(items)} ärenden gallrades (anonymiserades); statistikfälten finns kvar.")
    for item in items:
        print(f"  {item.number}  avslutat {item.closed_on.isoformat()}")
    return 0
