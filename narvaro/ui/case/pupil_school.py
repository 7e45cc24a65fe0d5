"""The Elev och skola tab: the pupil's and guardians' own views, the rector and the named contact at the school, and
changes of school or school form during the case (issue 17, items 10, 13 and 14)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from narvaro import ui
from narvaro.casework import case_school, pupil, schools, voices
from narvaro.core import clock
from narvaro.core.models import Case
from narvaro.ui.case.common import errors, feedback_for, k, save, show, show_form_error, value

# --- callbacks -----------------------------------------------------------------------------------


def _voice(case_id: int, username: str) -> None:
    v = lambda name: value(case_id, name)  # noqa: E731
    save(case_id, "voice", lambda s, ver: voices.add_voice(s, case_id, ver, speaker=v("vo_speaker"),
                                                         on_date=v("vo_date"), view=v("vo_text"), by=username),
         "Synpunkten är sparad.", clear=("vo_speaker", "vo_date", "vo_text"))


def _contacts(case_id: int, username: str) -> None:
    v = lambda name: value(case_id, name)  # noqa: E731
    save(case_id, "contacts",
         lambda s, ver: case_school.update_contacts(s, case_id, ver, requesting_rector=v("ct_rector"),
                                                    rector_contact=v("ct_rector_contact"),
                                                    school_contact=v("ct_school_contact"),
                                                    school_contact_info=v("ct_school_contact_info"), by=username),
         "Kontaktuppgifterna är sparade.",
         clear=("ct_rector", "ct_rector_contact", "ct_school_contact", "ct_school_contact_info"))


def _transition(case_id: int, username: str) -> None:
    v = lambda name: value(case_id, name)  # noqa: E731
    save(case_id, "transition",
         lambda s, ver: case_school.record_transition(
             s, case_id, ver, on_date=v("tr_date"), school_id=v("tr_school"), new_school_name=v("tr_new_name"),
             new_school_form=v("tr_new_form"), new_school_provider=v("tr_new_provider"),
             new_school_district=v("tr_new_district"), school_form=v("tr_form"), note=v("tr_note"), by=username),
         "Bytet är registrerat.",
         clear=("tr_date", "tr_school", "tr_new_name", "tr_new_form", "tr_new_provider", "tr_new_district", "tr_form",
                "tr_note"))


# --- rendering -----------------------------------------------------------------------------------

def render(case: Case, user: ui.CurrentUser, can_work: bool) -> None:
    with ui.session() as s:  # read first; nothing is held open while drawing
        said = voices.voices_for(s, case.id)
        names = schools.school_choices(s)
        now = case_school.current(s, case)
        history = case_school.transitions_for(s, case.id)
    _voices(said, case, user, can_work)
    _contact_form(case, user, can_work)
    _school(names, now, history, case, user, can_work)


def _voices(rows: list, case: Case, user: ui.CurrentUser, can_work: bool) -> None:
    ref = ui.config().reference
    st.subheader("Elevens och vårdnadshavarnas röst")
    st.caption("Elevens egen syn och önskemål, och vårdnadshavarnas, med deras ord.")
    if pupil.of_age(case) is True:
        st.info("Eleven är myndig: vårdnadshavarna är delaktiga bara om eleven vill.", icon=":material/person:")
    if not rows:
        st.caption("Inget antecknat ännu.")
    for r in reversed(rows):
        with st.container(border=True):
            st.markdown(f"**{r.speaker}** {ui.fmt_date(r.on_date)}")  # from data/ and the app, never typed text
            st.text(r.text)
    if not can_work:
        return
    errs = errors(case.id, "voice")
    with st.form(k(case.id, "voice_form")):
        st.selectbox("Vems syn", ref.consent_givers, index=None, placeholder="Välj", key=k(case.id, "vo_speaker"))
        show(errs, "speaker")
        st.date_input("Datum", value=clock.today(), key=k(case.id, "vo_date"), format="YYYY-MM-DD")
        show(errs, "voice_date")
        st.text_area("Syn och önskemål", key=k(case.id, "vo_text"), max_chars=voices.VOICE_MAX)
        show(errs, "voice_text")
        show_form_error(errs)
        st.form_submit_button("Spara synpunkt", key=k(case.id, "vo_save"), on_click=_voice,
                              args=(case.id, user.username))
        feedback_for(case.id, "voice")


def _contact_form(case: Case, user: ui.CurrentUser, can_work: bool) -> None:
    st.subheader("Rektor och kontaktperson på skolan")
    st.text(f"Rektor: {case.requesting_rector or '–'} ({case.rector_contact or 'ingen kontaktuppgift'})\n"
            f"Kontaktperson på skolan: {case.school_contact or '–'} ({case.school_contact_info or 'ingen kontaktuppgift'})")
    if not can_work:
        return
    errs = errors(case.id, "contacts")
    with st.expander("Ändra kontaktuppgifter", expanded=bool(errs)):
        with st.form(k(case.id, "contacts_form"), border=False):
            c1, c2 = st.columns(2)
            c1.text_input("Rektor", value=case.requesting_rector or "", key=k(case.id, "ct_rector"), max_chars=120)
            c2.text_input("Kontaktuppgifter till rektor", value=case.rector_contact or "",
                          key=k(case.id, "ct_rector_contact"), max_chars=200)
            show(errs, "requesting_rector")
            c1, c2 = st.columns(2)
            c1.text_input("Kontaktperson på skolan (namngiven)", value=case.school_contact or "",
                          key=k(case.id, "ct_school_contact"), max_chars=120,
                          help="Den på skolan som elev och vårdnadshavare i första hand vänder sig till.")
            c2.text_input("Kontaktuppgifter till kontaktpersonen", value=case.school_contact_info or "",
                          key=k(case.id, "ct_school_contact_info"), max_chars=200)
            show(errs, "school_contact")
            show_form_error(errs)
            st.form_submit_button("Spara kontaktuppgifter", key=k(case.id, "ct_save"), on_click=_contacts,
                                  args=(case.id, user.username))
    feedback_for(case.id, "contacts")


def _school(names: dict, now, history: list, case: Case, user: ui.CurrentUser, can_work: bool) -> None:
    ref = ui.config().reference
    st.subheader("Skola och övergångar")
    st.caption(f"Ärendet räknas i statistiken under skolformen det kom in med: {case.school_form}, {case.provider}.")
    st.text(f"Nu: {names.get(now.school_id, '–')} · {now.school_form}, {now.provider} · sedan "
            f"{ui.fmt_date(now.since)}")
    if history:
        st.dataframe(pd.DataFrame([{"Datum": ui.fmt_date(t.on_date), "Från": f"{names.get(t.from_school_id, '–')} "
                                    f"({t.from_school_form}, {t.from_provider})",
                                    "Till": f"{names.get(t.to_school_id, '–')} ({t.to_school_form}, {t.to_provider})",
                                    "Kommentar": t.note or ""} for t in history]),
                     hide_index=True, key=k(case.id, "tr_table"))
    if not can_work:
        return
    errs = errors(case.id, "transition")
    districts = {d.key: d.name for d in ref.districts}
    with st.expander("Registrera byte av skola eller skolform", expanded=bool(errs)):
        with st.form(k(case.id, "transition_form"), border=False):
            st.date_input("Datum för bytet", value=None, key=k(case.id, "tr_date"), format="YYYY-MM-DD")
            show(errs, "on_date")
            st.selectbox("Ny skola", list(names), index=None, format_func=names.get, placeholder="Samma skola",
                         key=k(case.id, "tr_school"))
            show(errs, "school_id")
            st.caption("Finns skolan inte i listan: skriv in den här.")
            c1, c2, c3, c4 = st.columns(4)
            c1.text_input("Namn på ny skola", key=k(case.id, "tr_new_name"), max_chars=200)
            c2.selectbox("Skolform (ny skola)", ref.school_forms, index=None, placeholder="Välj",
                         key=k(case.id, "tr_new_form"))
            c3.selectbox("Huvudman (ny skola)", ref.providers, index=None, placeholder="Välj",
                         key=k(case.id, "tr_new_provider"))
            c4.selectbox("Verksamhetsområde (ny skola)", list(districts), index=None, format_func=districts.get,
                         placeholder="Välj", key=k(case.id, "tr_new_district"))
            for field in ("new_school_name", "school_form", "provider", "district"):
                show(errs, field)
            st.selectbox("Skolform efter bytet (om den skiljer sig från skolans)", ref.school_forms, index=None,
                         placeholder="Skolans skolform", key=k(case.id, "tr_form"))
            st.text_input("Kommentar", key=k(case.id, "tr_note"), max_chars=case_school.NOTE_MAX)
            show(errs, "note")
            show_form_error(errs)
            st.form_submit_button("Registrera bytet", key=k(case.id, "tr_save"), on_click=_transition,
                                  args=(case.id, user.username))
    feedback_for(case.id, "transition")  # outside the expander, which closes on the rerun
