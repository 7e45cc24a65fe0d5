"""Arbete med skolor: work with schools that is not a case (råd och stöd, öppna teamträffar, informationsbesök;
003:701-702), counted per year, and which schools and districts refer cases and which never have (000:121)."""
import datetime as dt

import pandas as pd
import streamlit as st

from narvaro import ui
from narvaro.casework import schools
from narvaro.core import clock
from narvaro.reporting import school_reach
from narvaro.reporting.indicators import Period
from narvaro.ui.case.common import run_save

user = ui.guard("school_work")
ref = ui.config().reference
ss = st.session_state
FLASH = "sk_flash"


@ui.callback  # a failure is told calmly on the next run
def _activity() -> None:
    if run_save("sk_errors", lambda s: schools.record_activity(
            s, school_id=ss.get("sk_school"), kind=ss.get("sk_kind"), held_on=ss.get("sk_date"),
            minutes=ss.get("sk_minutes"), note=ss.get("sk_note"), by=user.username, role=user.role)):
        for key in ("sk_school", "sk_kind", "sk_date", "sk_minutes", "sk_note"):
            ss.pop(key, None)
        ss[FLASH] = "Arbetet är registrerat."


@ui.callback  # a failure is told calmly on the next run
def _school() -> None:
    if run_save("sk_new_errors", lambda s: schools.add_school(
            s, name=ss.get("sk_new_name"), school_form=ss.get("sk_new_form"), provider=ss.get("sk_new_provider"),
            district=ss.get("sk_new_district"), by=user.username, role=user.role)):
        name = ss.get("sk_new_name")
        for key in ("sk_new_name", "sk_new_form", "sk_new_provider", "sk_new_district"):
            ss.pop(key, None)
        ss[FLASH] = f"Skolan {name} är tillagd."


st.title("Arbete med skolor")
st.caption("Råd och stöd till skolor, öppna teamträffar och informationsbesök som inte hör till ett ärende, och vilka "
           "skolor och verksamhetsområden som skickar ärenden – och vilka som aldrig har gjort det.")
flash = ss.pop(FLASH, None)
if flash:
    st.success(ui.md(flash), icon=":material/check_circle:")

with ui.session() as s:
    names = schools.school_choices(s)
districts = {d.key: d.name for d in ref.districts}

errors = ss.get("sk_errors") or {}
with st.form("sk_form"):
    st.subheader("Registrera arbete med en skola")
    c1, c2 = st.columns(2)
    c1.selectbox("Skola", list(names), index=None, format_func=names.get, placeholder="Välj skola", key="sk_school")
    with c1:
        ui.show_field_errors(errors, "school_id")
    c2.selectbox("Vad", ref.school_work_kinds, index=None, placeholder="Välj", key="sk_kind")
    with c2:
        ui.show_field_errors(errors, "kind")
    c1, c2 = st.columns(2)
    c1.date_input("Datum", value=clock.today(), format="YYYY-MM-DD", key="sk_date")
    with c1:
        ui.show_field_errors(errors, "held_on")
    c2.number_input("Tid (minuter)", min_value=0, value=None, step=15, key="sk_minutes")
    with c2:
        ui.show_field_errors(errors, "minutes")
    st.text_input("Kommentar (inga namn på elever)", key="sk_note", max_chars=schools.NOTE_MAX)
    ui.show_field_errors(errors, "note")
    ui.show_field_errors(errors, "_form")
    st.form_submit_button("Registrera", key="sk_save", type="primary", on_click=_activity)

new_errors = ss.get("sk_new_errors") or {}
with st.expander("Lägg till en skola som inte finns i listan"):
    with st.form("sk_new_form_", border=False):
        c1, c2, c3, c4 = st.columns(4)
        c1.text_input("Skolans namn", key="sk_new_name", max_chars=schools.NAME_MAX)
        c2.selectbox("Skolform", ref.school_forms, index=None, placeholder="Välj", key="sk_new_form")
        c3.selectbox("Huvudman", ref.providers, index=None, placeholder="Välj", key="sk_new_provider")
        c4.selectbox("Verksamhetsområde", list(districts), index=None, format_func=districts.get, placeholder="Välj",
                     key="sk_new_district")
        for field in ("school_name", "school_form", "provider", "district", "_form"):
            ui.show_field_errors(new_errors, field)
        st.form_submit_button("Lägg till skola", key="sk_new_save", on_click=_school)

this_year = clock.today().year
year = st.selectbox("År", list(range(this_year, this_year - 10, -1)), key="sk_year")
period = Period(dt.date(year, 1, 1), dt.date(year, 12, 31))
with ui.session() as s:
    work = school_reach.activities(s, period)
    by_district = school_reach.districts(s, period)
    by_school = school_reach.schools(s, period)
    recent = schools.recent_activities(s)

st.subheader(f"Arbete med skolor {year}")
st.dataframe(pd.DataFrame([{"Vad": r.kind, "Antal": r.count, "Timmar": round(r.minutes / 60, 1),
                            "Skolor": r.schools} for r in work]), hide_index=True, key="sk_work")

st.subheader(f"Verksamhetsområden {year}")
st.caption("Ärenden som kom in under året med området, och hur många av områdets skolor som skickat ärenden.")
st.dataframe(pd.DataFrame([{"Verksamhetsområde": r.district, "Ärenden": r.cases, "Skolor": r.schools,
                            "Skolor som skickat ärenden": r.schools_referring,
                            "Skolor som aldrig skickat ärende": r.schools_never} for r in by_district]),
             hide_index=True, key="sk_districts")

st.subheader(f"Skolor {year}")
st.caption("Ärenden som kom in från skolan under året och totalt till årets slut. *Aldrig* = skolan har inget ärende "
           "(ett gallrat ärende har ingen skola kvar).")
st.dataframe(pd.DataFrame([{"Skola": r.name, "Skolform": r.school_form, "Huvudman": r.provider,
                            "Verksamhetsområde": r.district, "Ärenden under året": r.referred,
                            "Ärenden totalt": r.referred_ever, "Aldrig skickat ärende": "ja" if r.never else "",
                            "Arbete med skolan under året": r.activities} for r in by_school],
                          columns=["Skola", "Skolform", "Huvudman", "Verksamhetsområde", "Ärenden under året",
                                   "Ärenden totalt", "Aldrig skickat ärende", "Arbete med skolan under året"]),
             hide_index=True, key="sk_schools")

st.subheader("Senast registrerat")
st.dataframe(pd.DataFrame([{"Datum": ui.fmt_date(a.held_on), "Skola": name, "Vad": a.kind, "Minuter": a.minutes,
                            "Kommentar": a.note or "", "Av": a.created_by} for a, name in recent],
                          columns=["Datum", "Skola", "Vad", "Minuter", "Kommentar", "Av"]),
             hide_index=True, key="sk_recent")
