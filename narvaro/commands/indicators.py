"""`indicators`: the dashboard's figures on the command line, as JSON or CSV."""
from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from typing import Any, Iterator

from narvaro.commands import session_for
from narvaro.core import clock
from narvaro.dataio.sheets import csv_text
from narvaro.reporting import by_sex
from narvaro.reporting import indicators as ind


def register(sub) -> None:
    p = sub.add_parser("indicators", help="skriv ut indikatorerna för en period (standard: innevarande år)")
    p.add_argument("--from", dest="date_from", type=_date, help="första dagen, ÅÅÅÅ-MM-DD (standard: 1 januari)")
    p.add_argument("--to", dest="date_to", type=_date, help="sista dagen, ÅÅÅÅ-MM-DD (standard: 31 december)")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=_run)


def _date(text: str) -> dt.date:
    import argparse

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} är inget datum på formen ÅÅÅÅ-MM-DD") from None


def _run(args) -> int:
    year = (args.date_from or args.date_to or clock.today()).year
    try:
        period = ind.Period(args.date_from or dt.date(year, 1, 1), args.date_to or dt.date(year, 12, 31))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    with session_for(args) as s:
        data = ind.as_json(ind.compute(s, period))
        data["by_sex"] = by_sex.as_json(by_sex.compute(s, period))
    if args.format == "json":
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["indikator", "varde"])
        writer.writerows([csv_text(v) if isinstance(v, str) else v for v in row] for row in flatten(data))  # a name is never a formula
    return 0


def flatten(data: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """One row per figure; nested keys joined with '.', breakdown rows keyed skolform.huvudman.kon."""
    for key, value in data.items():
        if key == "incoming_breakdown":
            for row in value:
                yield f"{key}.{row['skolform']}.{row['huvudman']}.{row['kon']}", row["count"]
        elif key == "caseload":
            for row in value:
                yield f"{key}.{row['koordinator']}", row["pagaende"]
        elif key == "by_sex":
            for sex, figures in value.items():
                for sub, v in figures.items():
                    yield f"{key}.{sex}.{sub}", "" if v is None else v
        elif isinstance(value, dict):
            for sub, v in value.items():
                yield f"{key}.{sub}", "" if v is None else v
        else:
            yield key, "" if value is None else value
