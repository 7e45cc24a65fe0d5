"""The indicator tables as the dashboard, the meeting view and the board report show them, and their files.

`build` turns the database figures (narvaro.indicators) into titled tables with Swedish headings;
for the läsare role every count is suppressed and derived values hidden (narvaro.suppression).
The same tables become CSV, Excel and the yearly report, so what is downloaded is what was shown.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import pandas as pd
from sqlmodel import Session

from narvaro.core import permissions, versions
from narvaro.core.config import Config, get_config
from narvaro.reporting import by_sex, cooperation, indicators, school_reach, suppression, what_worked
from narvaro.reporting import surveys as surveys_report
from narvaro.reporting.indicators import UNSTATED, Indicators, Period


@dataclass
class Chart:
    kind: str                 # "bar" (one bar per row) or "grouped" (one bar series per y column)
    x: str                    # the column with the category labels
    y: list[str]              # value columns
    horizontal: bool = False
    y_title: str = "Antal"
    color: str | None = None                 # a column whose values become the bar series
    only: dict[str, list[Any]] = field(default_factory=dict)  # rows to chart (the table shows all)


@dataclass
class Table:
    key: str
    title: str
    df: pd.DataFrame
    chart: Chart | None = None
    note: str = ""
    headline: list[tuple[str, Any]] = field(default_factory=list)  # big figures for the meeting view
    section: str = ""  # the dashboard section it belongs to (SECTIONS)


@dataclass
class Report:
    period: Period
    years: tuple[int, int]
    suppressed: bool
    tables: list[Table]
    process_versions: str = ""  # which version(s) of the arbetsgång the period was worked under

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


# Issue 17: a case that changes school keeps counting where it came in (narvaro.casework.case_school).
AT_INTAKE = "Skolform och huvudman är de ärendet hade när det kom in; ett byte av skola under ärendet ändrar inte det."


# The dashboard's sections in order; only the open one is built (issue 14). build() without sections: every table.
SECTIONS = {"oversikt": "Översikt", "avslut": "Avslut, tid och effekt", "statistik": "Statistiktabell och kön",
            "inflode": "Inkomna, belastning och kö", "samverkan": "Samverkan och skolor", "enkater": "Enkäter"}


def build(session: Session, period: Period, years: tuple[int, int] | None = None, role: str | None = None,
          config: Config | None = None, sections: Iterable[str] | None = None) -> Report:
    """The indicator tables for `period` (statistics table and sex split for `years`), as `role` may see them: all
    of them, or only those of `sections` (keys of SECTIONS), in SECTIONS order."""
    cfg = config or get_config()
    first, last = years or (period.start.year, period.end.year)
    want = set(SECTIONS if sections is None else sections)
    hide, t = permissions.sees_only_aggregates(role), cfg.process.rules.small_number_threshold
    ind = indicators.compute(session, period, cfg) if want & {"oversikt", "avslut", "statistik", "inflode"} else None
    parts: dict[str, Callable[[], list[Table | None]]] = {
        "oversikt": lambda: [_overview(ind, cfg, hide, t)],
        "avslut": lambda: [_reasons(ind, hide, t), _rereferral(ind, cfg, hide, t), _case_time(ind, hide, t),
                           _effects(ind, hide, t), _what_worked(what_worked.compute(session, period.start, period.end), t),
                           _attendance(ind, hide, t)],
        "statistik": lambda: [_statistics(indicators.statistics_table(session, first, last), cfg, hide, t),
                              _sex_split(indicators.sex_split(session, first, last), cfg, hide, t),
                              _by_sex(by_sex.compute(session, period, cfg), ind, hide, t)],
        "inflode": lambda: [_breakdown(ind, hide, t), _caseload(ind, cfg, hide, t), _queue(ind, cfg, hide, t)],
        "samverkan": lambda: [_cooperation(cooperation.compute(session, period, cfg), hide, t),
                              _school_work(school_reach.activities(session, period, cfg), hide, t)],
        "enkater": lambda: [_survey_rates(surveys_report.response_rates(session, period.start, period.end), cfg, hide, t),
                            _surveys(indicators.survey_summary(session, period), cfg, hide, t)],
    }
    tables = []
    for key in (k for k in SECTIONS if k in want):
        for table in parts[key]():
            if table is not None:
                table.section = key
                tables.append(table)
    return Report(period, (first, last), hide, tables, versions.during_text(session, period.start, period.end))


def _frame(rows: list, columns: list[str]) -> pd.DataFrame:
    # object dtype keeps ints as ints next to None and "<5" (pandas would turn them into floats or text).
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _c(value: int, hide: bool, t: int) -> Any:
    return suppression.count(value, t) if hide else value


def _d(value: float | None, basis: int, hide: bool, t: int) -> Any:
    return suppression.derived(value, basis, t) if hide else value


def _line(parts: list[int], hide: bool, t: int) -> list[Any]:
    """Counts that add up to a total shown elsewhere: secondary suppression so none can be subtracted out."""
    return suppression.counts_in_line(list(parts), t) if hide else list(parts)


def _share(part: int, whole: int) -> float | None:
    return indicators.round2(100 * part / whole) if whole else None


def _overview(ind: Indicators, cfg: Config, hide: bool, t: int) -> Table:
    ret = cfg.reference.returned_reason
    rows = [
        ("Inkomna ärenden", _c(ind.incoming, hide, t)),
        ("Avslutade ärenden", _c(ind.closed, hide, t)),
        ("Pågående vid periodens slut", _c(ind.open_at_end, hide, t)),
        ("Väntar i kö vid periodens slut", _c(ind.queued_at_end, hide, t)),
        (f"Avslutade: {ret.lower()}", _c(ind.returned_to_school, hide, t)),
        (f"Andel avslutade: {ret.lower()} (%)",
         _d(ind.returned_share, min(ind.returned_to_school, ind.closed), hide, t)),
    ]
    df = _frame(rows, ["Indikator", "Värde"])
    return Table("oversikt", "Översikt", df,
                 Chart("bar", "Indikator", ["Värde"], horizontal=True, only={"Indikator": [r[0] for r in rows[:5]]}),
                 headline=rows[:4])


def _reasons(ind: Indicators, hide: bool, t: int) -> Table:
    # The parts add up to the closed cases shown in the overview.
    shown = _line(list(ind.closure_reasons.values()), hide, t)
    rows = [(reason, c, suppression.HIDDEN_DERIVED if suppression.is_suppressed(c)
             else _d(_share(n, ind.closed), min(n, ind.closed), hide, t))
            for (reason, n), c in zip(ind.closure_reasons.items(), shown)]
    df = _frame(rows, ["Avslutsskäl", "Antal", "Andel (%)"])
    share = _d(ind.returned_share, min(ind.returned_to_school, ind.closed), hide, t)
    return Table("avslutsskal", "Avslutsskäl", df, Chart("bar", "Avslutsskäl", ["Antal"], horizontal=True),
                 note="Ärenden avslutade under perioden.",
                 headline=[("Återgått till undervisning", _c(ind.returned_to_school, hide, t)),
                           ("Andel av avslutade (%)", share)])


def _rereferral(ind: Indicators, cfg: Config, hide: bool, t: int) -> Table:
    ret = cfg.reference.returned_reason.lower()
    rows = [
        (f"Avslutade: {ret}", _c(ind.returned_to_school, hide, t)),
        ("Elever med nytt ärende inom 12 månader", _c(ind.rereferred, hide, t)),
        (f"Andel av {ret} (%)", _d(ind.rereferred_share, min(ind.rereferred, ind.returned_to_school), hide, t)),
    ]
    return Table("aterkomst", "Återaktualiserade inom 12 månader", _frame(rows, ["Mått", "Värde"]),
                 Chart("bar", "Mått", ["Värde"], horizontal=True, only={"Mått": [r[0] for r in rows[:2]]}),
                 note=f"Av ärendena som avslutades under perioden med skälet {ret}: hur många elever (samma elevkod "
                      "eller personnummer) fick ett nytt ärende med Inkom högst 365 dagar efter avslutsdagen. "
                      "Fönstret får sträcka sig förbi periodens slut.",
                 headline=rows[1:])


def _case_time(ind: Indicators, hide: bool, t: int) -> Table:
    ct = ind.case_time
    rows = [
        ("Avslutade ärenden", _c(ct.n, hide, t)),
        ("Genomsnitt (månader)", _d(ct.mean_months, ct.n, hide, t)),
        ("Median (månader)", _d(ct.median_months, ct.n, hide, t)),
    ]
    df = _frame(rows, ["Mått", "Värde"])
    return Table("arendetid", "Tid ärendet var öppet", df, Chart("bar", "Mått", ["Värde"], y_title="Månader", only={"Mått": [r[0] for r in rows[1:]]}),
                 note="Dagar från inkommet till avslutat delat med 30,4375, för ärenden avslutade under perioden.",
                 headline=rows[1:])


def _effects(ind: Indicators, hide: bool, t: int) -> Table:
    labels = list(dict.fromkeys(list(ind.effect_operative) + list(ind.effect_coordinating)))
    # Each column adds up to (about) the closed cases shown in the overview: treat it as a line.
    operative = _line([ind.effect_operative.get(label, 0) for label in labels], hide, t)
    coordinating = _line([ind.effect_coordinating.get(label, 0) for label in labels], hide, t)
    rows = list(zip(labels, operative, coordinating))
    df = _frame(rows, ["Bedömning", "Operativa insatser", "Samordnande insatser"])
    return Table("effekt", "Effekt av insatserna", df,
                 Chart("grouped", "Bedömning", ["Operativa insatser", "Samordnande insatser"]),
                 note="Bedömningen vid avslut, ärenden avslutade under perioden.")


def _what_worked(worked: list[what_worked.Worked], t: int) -> Table:
    # Hidden for every role, not only a läsare (as on the Insatser page): a few closed cases are known pupils.
    rows = [{"Insats": w.name, **what_worked.display(w, t)} for w in worked]
    df = _frame([list(r.values()) for r in rows], ["Insats", *what_worked.COLUMNS])
    return Table("vad_gav_effekt", "Vad gav effekt: per insats", df,
                 Chart("bar", "Insats", [what_worked.COLUMNS[1]], horizontal=True, y_title="Procentenheter"),
                 note="Ärenden avslutade under perioden som använt insatsen. Närvaroförändring = närvaro vid avslut − "
                      "närvaro vid inskrivning (100 − frånvaro i ansökan); månader = dagar från inkommet till "
                      f"avslutat / 30,4375. Antal under {t} och medianer och andelar på färre ärenden visas inte, "
                      "för alla roller.")


def _attendance(ind: Indicators, hide: bool, t: int) -> Table:
    a = ind.attendance
    rows = [
        ("Vid inskrivning", _c(a.n_intake, hide, t), _d(a.mean_intake, a.n_intake, hide, t)),
        ("Vid avslut", _c(a.n_closing, hide, t), _d(a.mean_closing, a.n_closing, hide, t)),
    ]
    df = _frame(rows, ["Tidpunkt", "Ärenden med uppgift", "Genomsnittlig närvaro (%)"])
    return Table("narvaro", "Närvaro vid inskrivning och vid avslut", df,
                 Chart("bar", "Tidpunkt", ["Genomsnittlig närvaro (%)"], y_title="Närvaro (%)"),
                 note="Ärenden avslutade under perioden; närvaro vid inskrivning = 100 − frånvaro i ansökan.",
                 headline=[(r[0], r[2]) for r in rows])


def _sexes(cfg: Config, present: set[str]) -> list[str]:
    """Pojke and Flicka always (the evaluation's columns); other values only when they occur."""
    base = [s for s in cfg.reference.sexes[:2]]
    extra = [s for s in cfg.reference.sexes[2:] + [UNSTATED] if s in present]
    extra += sorted(present - set(base) - set(extra))
    return base + extra


def _statistics(years: list[indicators.YearRow], cfg: Config, hide: bool, t: int) -> Table:
    present = {k[2] for y in years for k in y.incoming}
    sexes = _sexes(cfg, present)
    providers = list(cfg.reference.providers)
    providers += sorted({k[1] for y in years for k in y.incoming} - set(providers))
    named = list(cfg.reference.statistics_groups)
    groups = named + sorted({k[0] for y in years for k in y.incoming} - set(named))
    cols = [f"{p} – {s}" for p in providers for s in sexes]
    rows = []
    for y in years:
        cells_by_group = [[y.incoming.get((g, p, s), 0) for p in providers for s in sexes] for g in groups]
        # Two kinds of line have a shown total: each row (its cells → Totalt) and the year's column of
        # group totals (→ Inkomna totalt).
        group_totals = _line([sum(cells) for cells in cells_by_group], hide, t)
        for g, cells, total in zip(groups, cells_by_group, group_totals):
            rows.append([y.year, g] + _line(cells, hide, t) + [total])
        rows.append([y.year, "Inkomna totalt"] + [None] * len(cols) + [_c(y.incoming_total, hide, t)])
        rows.append([y.year, "Avslutade ärenden"] + [None] * len(cols) + [_c(y.closed, hide, t)])
        rows.append([y.year, "Genomsnittlig insatstid (mån)"] + [None] * len(cols)
                    + [_d(y.mean_months, y.closed, hide, t)])
    df = _frame(rows, ["År", "Skolform"] + cols + ["Totalt"])
    chart_df_note = ("Inkomna per år, skolform (GRSK/GYM), huvudman och kön; avslutade och insatstid per avslutsår. "
                     + AT_INTAKE)
    return Table("statistik", "Statistiktabell (som i utvärderingen 2024)", df,
                 Chart("bar", "År", ["Totalt"], color="Skolform", only={"Skolform": groups}),
                 note=chart_df_note)


def _sex_split(rows: list[dict[str, Any]], cfg: Config, hide: bool, t: int) -> Table:
    sexes = _sexes(cfg, {r["kon"] for r in rows})
    years = sorted({r["ar"] for r in rows})
    girls = cfg.reference.sexes[1]
    out = []
    for year in years:
        counts = {r["kon"]: r["antal"] for r in rows if r["ar"] == year}
        total = sum(counts.values())
        n_girls = counts.get(girls, 0)
        shown = _line([counts.get(s, 0) for s in sexes], hide, t)
        girls_hidden = suppression.is_suppressed(shown[sexes.index(girls)]) if girls in sexes else True
        share = suppression.HIDDEN_DERIVED if hide and girls_hidden else _d(
            _share(n_girls, total), min(n_girls, total), hide, t)
        out.append([year] + shown + [_c(total, hide, t), share])
    df = _frame(out, ["År"] + sexes + ["Totalt", f"Andel {girls.lower()} (%)"])
    return Table("kon", "Könsfördelning över tid (inkomna ärenden)", df, Chart("grouped", "År", sexes),
                 note="Beslutet 2019: flickor ska ha samma tillgång till stödet.")


def _by_sex(rows: list[by_sex.SexRow], ind: Indicators, hide: bool, t: int) -> Table:
    # Each count column adds up to a total shown in the overview (incoming, closed, returned): a line each.
    counts = [_line([getattr(r, c) for r in rows], hide, t) for c in ("incoming", "closed", "returned_to_school")]
    out = [(r.sex, incoming, closed, returned, _d(r.mean_months, r.closed, hide, t),
            _d(r.median_queue_days, r.assigned, hide, t))
           for r, incoming, closed, returned in zip(rows, *counts)]
    df = _frame(out, ["Kön", "Inkomna", "Avslutade", "Återgått till undervisning", "Genomsnittlig tid öppet (mån)",
                      "Median kötid (dagar)"])
    return Table("kon_utfall", "Utfall per kön", df,
                 Chart("grouped", "Kön", ["Inkomna", "Avslutade", "Återgått till undervisning"]),
                 note="Beslutet 2019: flickor ska ha samma tillgång till stödet. Inkomna under perioden; avslutade, "
                      "återgått och tid öppet för ärenden avslutade under perioden; kötid för ärenden tilldelade "
                      "under perioden.")


def _cooperation(rows: list[cooperation.ActorRow], hide: bool, t: int) -> Table:
    out = [(r.actor, _c(r.consents, hide, t), _c(r.interventions, hide, t), _c(r.meetings, hide, t),
            _c(r.cases, hide, t)) for r in rows]
    df = _frame(out, ["Aktör", "Samtycken", "Insatser med aktören", "Möten med aktören", "Ärenden"])
    return Table("samverkan", "Samverkan med andra aktörer", df,
                 Chart("grouped", "Aktör", ["Samtycken", "Insatser med aktören", "Möten med aktören"]),
                 note="Under perioden: samtycken som omfattar aktören (givna), insatser med aktören (startdatum), "
                      "möten där aktören deltog, och ärenden med något av dem.")


def _school_work(rows: list[school_reach.ActivityRow], hide: bool, t: int) -> Table:
    # The team's work with schools, not with pupils; suppressed for läsare anyway, as every count they see is.
    out = [(r.kind, _c(r.count, hide, t), _d(indicators.round2(r.minutes / 60), r.count, hide, t),
            _c(r.schools, hide, t)) for r in rows]
    df = _frame(out, ["Arbete med skolor", "Antal", "Timmar", "Skolor"])
    return Table("skolarbete", "Arbete med skolor utanför ärenden", df,
                 Chart("bar", "Arbete med skolor", ["Antal"], horizontal=True),
                 note="Råd och stöd, öppna teamträffar och informationsbesök under perioden (Bilaga 4). Sidan "
                      "Arbete med skolor visar vilka skolor och områden som skickat ärenden och vilka som aldrig har.")


def _survey_rates(rows: list[dict[str, Any]], cfg: Config, hide: bool, t: int) -> Table:
    out = []
    for r in rows:
        sent, answered = r["Skickade"], r["Besvarade"]
        out.append((r["Enkät"], _c(sent, hide, t), _c(answered, hide, t),
                    _d(r["Svarsfrekvens (%)"], min(sent, answered), hide, t),
                    None if r["Rektor har tagit del"] is None else _c(r["Rektor har tagit del"], hide, t)))
    df = _frame(out, ["Enkät", "Skickade", "Besvarade", "Svarsfrekvens (%)", "Rektor har tagit del"])
    return Table("enkat_svarsfrekvens", "Enkäter: svarsfrekvens", df, None,
                 note="Ärenden där enkäten först skickades under perioden, och hur många av dem som har svar. "
                      "Rektor har tagit del: skolans svar som rektor har sett." + _example_note(cfg))


def _example_note(cfg: Config) -> str:
    return (" Frågorna är ett exempel som teamet ska byta ut (data/surveys.yaml)." if cfg.surveys.example else "")


def _breakdown(ind: Indicators, hide: bool, t: int) -> Table:
    # The parts add up to the incoming cases shown in the overview.
    shown = _line([r["count"] for r in ind.incoming_breakdown], hide, t)
    rows = [(r["skolform"], r["huvudman"], r["kon"], c) for r, c in zip(ind.incoming_breakdown, shown)]
    df = _frame(rows, ["Skolform", "Huvudman", "Kön", "Antal"])
    df["Grupp"] = df["Skolform"] + ", " + df["Huvudman"] + ", " + df["Kön"]
    return Table("inkomna", "Inkomna ärenden per skolform, huvudman och kön", df,
                 Chart("bar", "Grupp", ["Antal"], horizontal=True),
                 note="Ärenden inkomna under perioden. " + AT_INTAKE)


def _caseload(ind: Indicators, cfg: Config, hide: bool, t: int) -> Table:
    guideline = cfg.process.rules.caseload_guideline
    rows = []
    for i, r in enumerate(ind.caseload):
        # Läsare see aggregates only: the staff are not named to them either.
        name = f"Koordinator {i + 1}" if hide else r["koordinator"]
        rows.append((name, _c(r["pagaende"], hide, t), guideline))
    df = _frame(rows, ["Koordinator", "Pågående ärenden", "Riktvärde"])
    return Table("belastning", "Ärendebelastning per koordinator", df,
                 Chart("bar", "Koordinator", ["Pågående ärenden"]),
                 note=f"Pågående ärenden vid periodens slut; riktvärdet är {guideline} per koordinator.")


def _queue(ind: Indicators, cfg: Config, hide: bool, t: int) -> Table:
    q = ind.queue_time
    rows = [
        ("Ärenden tilldelade under perioden", _c(q.n, hide, t)),
        ("Genomsnittlig kötid (dagar)", _d(indicators.round2(q.mean_days), q.n, hide, t)),
        ("Median kötid (dagar)", _d(indicators.round2(q.median_days), q.n, hide, t)),
        ("Väntar i kö vid periodens slut", _c(ind.queued_at_end, hide, t)),
    ]
    df = _frame(rows, ["Mått", "Värde"])
    return Table("kotid", "Kötid", df,
                 Chart("bar", "Mått", ["Värde"], y_title="Dagar", only={"Mått": [r[0] for r in rows[1:3]]}),
                 note="Dagar från inkommet till tilldelat, för ärenden tilldelade under perioden; "
                      f"ärenden som väntat mer än {cfg.process.rules.queue_warning_days} dagar varnas på tavlan.",
                 headline=rows[1:])


def _surveys(summary: Any, cfg: Config, hide: bool, t: int) -> Table | None:
    if summary is None:
        return None
    if isinstance(summary, pd.DataFrame):
        df = summary.copy()
    elif isinstance(summary, dict):
        df = pd.DataFrame(list(summary.items()), columns=["Fråga", "Värde"])
    else:
        df = pd.DataFrame(list(summary))
    if df.empty:
        return None
    if hide:
        # Counts of answers are counts of people; means over answers are left as the module gives them.
        for col in df.columns:
            if pd.api.types.is_integer_dtype(df[col]):
                df[col] = [suppression.count(v, t) for v in df[col]]
    return Table("enkater", "Enkätsvar", df, None,
                 note="Avslutande enkäter till vårdnadshavare, skola och elev." + _example_note(cfg))


def figures_frame(table: Table) -> pd.DataFrame:
    # The chart-only label column is not part of the figures.
    return table.df.drop(columns=["Grupp"]) if "Grupp" in table.df.columns else table.df


def default_years(period: Period) -> tuple[int, int]:
    """The statistics table shows three years up to the period's end, as the evaluation did."""
    return (period.end.year - 2, period.end.year)
