"""Inkommande ärende: register a new request in the queue; ends with the new case number.

Registrators use this page too, so it shows nothing of other cases beyond the number of a possible
duplicate. Everything typed lives in session_state under the widget keys, so an error loses nothing.
"""
import datetime as dt

import streamlit as st

from narvaro import ui
from narvaro.casework import intake
from narvaro.casework.inputs import IntakeCreate
from narvaro.core import clock, permissions
from narvaro.core.errors import FieldError, FormError, PossibleDuplicate
from narvaro.ui import feedback

user = ui.guard("intake")
ref = ui.config().reference
ss = st.session_state
today = clock.today()

FIELDS = tuple(IntakeCreate.model_fields)  # one widget per field, keyed "in_<field>" (+ "_g<n>" after a save)


def key(field: str) -> str:
    return ui.keyed(f"in_{field}")


def _values() -> IntakeCreate:
    return IntakeCreate(**{f: ss.get(key(f)) for f in FIELDS})


@ui.callback  # a failure is told calmly on the next run
def _save(confirm: bool = False) -> None:
    try:
        with ui.session() as s:
            case = intake.register(s, _values(), by=user.username, today=clock.today(), confirm_duplicate=confirm)
            number, missing = case.number, case.missing_prerequisites
            earlier = intake.earlier_case(s, case)
    except (FieldError, FormError) as exc:
        ss["in_errors"] = exc.errors
        ss.pop("in_duplicates", None)
        feedback.request_scroll()
    except PossibleDuplicate as exc:
        ss["in_errors"] = {}
        ss["in_duplicates"] = [(d.number, d.reason, d.personal_number_masked) for d in exc.duplicates]
    else:
        ui.renew_keys(tuple(f"in_{f}" for f in FIELDS))  # the next request starts on an empty form
        ss.pop("in_errors", None)
        ss.pop("in_duplicates", None)
        ss["in_done"] = (number, missing, earlier.text() if earlier else None)


def _cancel_duplicate() -> None:
    ss.pop("in_duplicates", None)


st.title("Inkommande ärende")

done = ss.pop("in_done", None)
errors: dict = ss.get("in_errors") or {}

if key("received_on") not in ss:
    ss[key("received_on")] = today

with ui.session() as s:
    school_names = intake.school_choices(s)
districts = {d.key: d.name for d in ref.districts}
date_limits = dict(min_value=dt.date(2000, 1, 1), max_value=today + dt.timedelta(days=366), format="YYYY-MM-DD")

with st.form("in_form"):
    st.subheader("Elev")
    st.caption("Eleven registreras med kod eller initialer. Personnummer behövs bara om det krävs för att hitta "
               "rätt elev, och visas maskerat i listor.")
    c1, c2 = st.columns(2)
    c1.text_input("Elevkod eller initialer", key=key("pupil_code"), max_chars=40)
    with c1:
        ui.show_field_errors(errors, "pupil_code")
    c2.text_input("Personnummer (frivilligt)", key=key("personal_number"), placeholder="ÅÅÅÅMMDD-NNNN")
    with c2:
        ui.show_field_errors(errors, "personal_number")
    c1, c2, c3 = st.columns(3)
    c1.number_input("Födelseår", key=key("birth_year"), value=None, step=1, format="%d")
    with c1:
        ui.show_field_errors(errors, "birth_year")
    c2.selectbox("Kön", ref.sexes, index=None, placeholder="Ej angivet", key=key("sex"))
    c3.text_input("Årskurs", key=key("school_year"), max_chars=10)

    st.subheader("Skola")
    st.selectbox("Skola", list(school_names), index=None, format_func=school_names.get,
                 placeholder="Välj skola", key=key("school_id"))
    ui.show_field_errors(errors, "school")
    st.caption("Finns skolan inte i listan: skriv in den här med skolform och huvudman.")
    c1, c2, c3, c4 = st.columns(4)
    c1.text_input("Ny skola", key=key("new_school_name"), max_chars=200)
    c2.selectbox("Skolform (ny skola)", ref.school_forms, index=None, placeholder="Välj", key=key("new_school_form"))
    with c2:
        ui.show_field_errors(errors, "new_school_form")
    c3.selectbox("Huvudman (ny skola)", ref.providers, index=None, placeholder="Välj", key=key("new_school_provider"))
    with c3:
        ui.show_field_errors(errors, "new_school_provider")
    c4.selectbox("Verksamhetsområde (ny skola)", list(districts), index=None, format_func=districts.get,
                 placeholder="Välj", key=key("new_school_district"))
    with c4:
        ui.show_field_errors(errors, "new_school_district")

    st.subheader("Begäran")
    c1, c2, c3 = st.columns(3)
    c1.selectbox("Inkomstväg", ref.ways_in, index=None, placeholder="Välj", key=key("way_in"))
    with c1:
        ui.show_field_errors(errors, "way_in")
    c2.date_input("Inkom", key=key("received_on"), **date_limits)
    with c2:
        ui.show_field_errors(errors, "received_on")
    # May stay empty: the rector states the support wanted at Start, after the coordinator's call (003:474).
    c3.selectbox("Efterfrågat stöd", ref.support_kinds, index=None, placeholder="Inte känt ännu",
                 key=key("support_requested"))
    with c3:
        ui.show_field_errors(errors, "support_requested")
    c1, c2 = st.columns(2)
    c1.text_input("Rektor som begär stöd", key=key("requesting_rector"), max_chars=120)
    with c1:
        ui.show_field_errors(errors, "requesting_rector")
    c2.text_input("Kontaktuppgifter till rektor", key=key("rector_contact"), max_chars=200)
    c1, c2 = st.columns(2)
    c1.text_input("Kontaktperson på skolan (namngiven)", key=key("school_contact"), max_chars=120,
                  help="Den på skolan som elev och vårdnadshavare i första hand vänder sig till.")
    c2.text_input("Kontaktuppgifter till kontaktpersonen", key=key("school_contact_info"), max_chars=200)
    c1, c2 = st.columns(2)
    c1.number_input("Frånvaro vid inkomst (%)", key=key("absence_percent_intake"), value=None, step=1.0,
                    format="%.0f")
    with c1:
        ui.show_field_errors(errors, "absence_percent_intake")
    c2.text_input("Period för frånvaron", key=key("absence_period"), max_chars=80, placeholder="t.ex. v. 30–36")

    st.subheader("Förutsättningar")
    st.caption("Saknas något registreras ärendet ändå, men markeras *komplettering behövs* på ärendetavlan. "
               "Samtycke inhämtas i Steg 1 om fler aktörer är inkopplade.")
    c1, c2 = st.columns(2)
    c1.date_input("Frånvaroutredning gjord", key=key("investigated_on"), value=None, **date_limits)
    with c1:
        ui.show_field_errors(errors, "investigated_on")
    c2.date_input("Anmäld till huvudman/skolpliktsbevakning", key=key("reported_on"), value=None, **date_limits)
    with c2:
        ui.show_field_errors(errors, "reported_on")
    st.checkbox("Skolan har påbörjat egna insatser", key=key("school_interventions_started"))
    st.checkbox("Eleven är folkbokförd i kommunen", key=key("registered_in_municipality"))

    st.form_submit_button("Registrera ärende", key="in_submit", on_click=_save, type="primary")
    # The outcome next to the button that was pressed, not at the top of this long page.
    if errors:
        feedback.refused(errors)
    if done:
        number, missing, earlier = done
        st.success(f"Ärendet är registrerat och ligger i kön med nummer **{number}**.", icon=":material/check_circle:")
        st.toast(f"Ärendet {number} är registrerat.", icon=":material/check_circle:")
        if earlier:
            st.info(f"**Återaktualiserat:** eleven har ett tidigare avslutat ärende, {ui.md(earlier)}. Det nya ärendet "
                    "är markerat som återaktualiserat.", icon=":material/history:")
        if missing:
            st.warning(f"Komplettering behövs: {missing}.", icon=":material/assignment_late:")

# A possible duplicate is asked about right under the button that was pressed.
duplicates = ss.get("in_duplicates")
if duplicates:
    with st.container(border=True):
        st.warning("Möjlig dubblett: eleven har redan ett öppet ärende. Kontrollera innan du sparar.",
                   icon=":material/content_copy:")
        for number, reason, masked in duplicates:
            why = f"samma personnummer ({masked})" if reason == "personnummer" else "samma elevkod"
            st.markdown(f"**{number}** – {why}")
            if permissions.may_read_case_content(user.role):
                ui.case_link(number, f"Öppna ärende {number}")
        c1, c2 = st.columns(2)
        c1.button("Avbryt", key="in_cancel_dup", on_click=_cancel_duplicate, type="primary")
        c2.button("Spara ändå som nytt ärende", key="in_confirm", on_click=_save, args=(True,))
