"""Indikatorer: the seed-003 indicators for a period, each as a chart with its table, downloadable."""
import datetime as dt

import streamlit as st

from narvaro import ui
from narvaro.core import clock, permissions
from narvaro.dataio import report_files
from narvaro.reporting import suppression, tables
from narvaro.reporting.indicators import Period
from narvaro.ui import charts

user = ui.guard("dashboard")
st.title("Indikatorer")

this_year = clock.today().year
with st.container(border=True):
    kind = st.radio("Period", ["Kalenderår", "Egna datum"], horizontal=True, key="ind_kind")
    if kind == "Kalenderår":
        year = st.selectbox("År", list(range(this_year, this_year - 10, -1)), key="ind_year")
        period = Period.year(year)
    else:
        c1, c2 = st.columns(2)
        start = c1.date_input("Från och med", value=dt.date(this_year, 1, 1), format="YYYY-MM-DD", key="ind_from")
        end = c2.date_input("Till och med", value=clock.today(), format="YYYY-MM-DD", key="ind_to")
        if end < start:
            c2.error("Slutdatumet ligger före startdatumet. Välj ett senare datum.", icon=":material/error:")
            st.stop()
        period = Period(start, end)
    first, last = tables.default_years(period)
    c1, c2 = st.columns(2)
    first = c1.number_input("Statistiktabell från år", min_value=2000, max_value=2100, value=first, step=1,
                            key="ind_stat_first")
    last = c2.number_input("Statistiktabell till år", min_value=2000, max_value=2100, value=last, step=1,
                           key="ind_stat_last")
    if last < first:
        c2.error("Till-året ligger före från-året.", icon=":material/error:")
        st.stop()

report_key = ui.report_key(period, (int(first), int(last)), user.role)

st.caption(f"Period: {period.label}. {ui.versions_in_period(report_key)} Ett avslutsskäl som bytt namn räknas som "
           "samma skäl, under sitt nya namn. Definitionerna står under varje tabell och i README (Indikatorer).")
if permissions.sees_only_aggregates(user.role):
    t = ui.config().process.rules.small_number_threshold
    st.info(f"Du ser sammanställningar. {suppression.notice(t)}, och andelar eller medelvärden "
            f"som bygger på färre än {t} ärenden visas som \"–\", så att ingen elev kan kännas igen. Där en "
            f"summa visas döljs vid behov fler celler i samma rad (också som \"{suppression.marker(t)}\"), så att inget dolt antal "
            f"kan räknas fram ur summan.",
            icon=":material/visibility_off:")


@ui.callback  # a failure is told calmly on the next run
def _record(what: str, fmt: str) -> None:
    with ui.session() as s:
        report_files.record_export(s, user.username, what, fmt, period)


def _downloads(table: tables.Table) -> None:
    c1, c2 = st.columns(2)
    c1.download_button("Ladda ner CSV", data=lambda: report_files.table_csv(table),
                       file_name=report_files.file_name(table.key, period, "csv"), mime="text/csv",
                       key=f"dl_csv_{table.key}", on_click=_record, args=(table.title, "csv"),
                       icon=":material/download:")
    c2.download_button("Ladda ner Excel", data=lambda: report_files.table_xlsx(table),
                       file_name=report_files.file_name(table.key, period, "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key=f"dl_xlsx_{table.key}", on_click=_record, args=(table.title, "xlsx"),
                       icon=":material/download:")


def _draw(table: tables.Table, section: str) -> None:
    st.subheader(table.title)
    if table.note:
        st.caption(table.note)
    if table.headline and section == "oversikt":
        # The key figures as large numbers beside their table: a bar chart of unrelated counts said no more, and
        # it made every page load fetch Plotly's JavaScript (~2 s of the first paint). The meeting view keeps it.
        for col, (label, value) in zip(st.columns(len(table.headline)), table.headline):
            col.metric(label, "–" if value is None else ui.fmt_number(value) if isinstance(value, float) else str(value))
        st.dataframe(charts.display_frame(table), hide_index=True, key=f"table_{table.key}")
        _downloads(table)
        return
    fig = ui.figure(report_key, table.key, in_section=section)
    if fig is not None:
        left, right = st.columns([3, 2])
        left.plotly_chart(fig, key=f"chart_{table.key}", config={"displaylogo": False})
        with right:
            st.dataframe(charts.display_frame(table), hide_index=True, key=f"table_{table.key}")
            _downloads(table)
    else:
        st.dataframe(charts.display_frame(table), hide_index=True, key=f"table_{table.key}")
        _downloads(table)


def _yearly_report() -> None:
    report = ui.report(report_key)  # every table: built only when this tab is open
    st.caption("Alla indikatorer och statistiktabellen, för perioden och åren du valt.")
    c1, c2 = st.columns(2)
    c1.download_button("Årsrapport (Excel)", data=lambda: report_files.yearly_report_xlsx(report),
                       file_name=report_files.file_name("arsrapport", period, "xlsx"),
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="dl_report_xlsx", on_click=_record, args=("årsrapport", "xlsx"), icon=":material/download:")
    c2.download_button("Årsrapport (HTML)", data=lambda: report_files.yearly_report_html(report),
                       file_name=report_files.file_name("arsrapport", period, "html"), mime="text/html",
                       key="dl_report_html", on_click=_record, args=("årsrapport", "html"), icon=":material/download:")


# Sections as tabs: only the open one is computed and drawn (the overview first); ?avsnitt= opens another.
SECTIONS = {**tables.SECTIONS, "arsrapport": "Årsrapport till nämnden"}
SLUGS = {label: slug for slug, label in SECTIONS.items()}
if st.query_params.get("avsnitt") in SECTIONS and "ind_section_url" not in st.session_state:
    st.session_state["ind_section"] = SECTIONS[st.query_params["avsnitt"]]
st.session_state["ind_section_url"] = True
st.session_state.setdefault("ind_section", SECTIONS["oversikt"])


def _section_changed() -> None:
    st.query_params["avsnitt"] = SLUGS.get(st.session_state.get("ind_section"), "oversikt")


for slug, tab in zip(SECTIONS, st.tabs(list(SECTIONS.values()), key="ind_section", on_change=_section_changed)):
    if not tab.open:
        continue
    with tab:
        if slug == "arsrapport":
            _yearly_report()
        else:
            for table in ui.section(report_key, slug).tables:
                _draw(table, slug)
