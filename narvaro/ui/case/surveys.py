"""The case's closing surveys: forms to print or paste, answers entered back with the respondent's role.

Answers usually arrive after the case is closed, and the service accepts them on a closed case; the
page decides through `read_only` whether this user may enter them.
"""
from __future__ import annotations

import streamlit as st

from narvaro import ui
from narvaro.casework import surveys
from narvaro.core import clock
from narvaro.core.config import Survey
from narvaro.core.models import Case
from narvaro.ui.case.common import run_save, show_form_error


def _k(case_id: int, survey_key: str, name: str) -> str:
    return f"sp_{case_id}_{survey_key}_{name}"


def _enter(case_id: int, version: int, survey_key: str, username: str) -> None:
    ss = st.session_state
    survey = surveys.get_survey(survey_key)
    k = lambda name: _k(case_id, survey_key, name)  # noqa: E731
    answers = {q.key: ss.get(k(f"q_{q.key}")) for q in survey.questions}
    if run_save(k("errors"), lambda s: surveys.record_response(
            s, case_id, version, survey_key=survey_key, respondent_role=ss.get(k("role")),
            answered_on=ss.get(k("date")), answers=answers, by=username, rector_seen_on=ss.get(k("seen")))):
        for key in [k("role"), k("date"), k("seen"), *(k(f"q_{q.key}") for q in survey.questions)]:
            ss.pop(key, None)
        ss[_k(case_id, "", "flash")] = f"Svaret på {survey.name.lower()} är sparat."


def _sent(case_id: int, version: int, survey_key: str, username: str) -> None:
    ss = st.session_state
    k = lambda name: _k(case_id, survey_key, name)  # noqa: E731
    if run_save(k("sent_errors"), lambda s: surveys.record_sending(s, case_id, version, survey_key=survey_key,
                                                                  sent_on=ss.get(k("sent_on")), by=username)):
        ss.pop(k("sent_on"), None)
        ss[_k(case_id, "", "flash")] = "Att enkäten skickats är registrerat."


def _seen(case_id: int, version: int, response_id: int, username: str) -> None:
    ss = st.session_state
    k = lambda name: _k(case_id, f"r{response_id}", name)  # noqa: E731
    if run_save(k("errors"), lambda s: surveys.mark_rector_seen(s, case_id, version, response_id,
                                                               seen_on=ss.get(k("seen")), by=username)):
        ss.pop(k("seen"), None)
        ss[_k(case_id, "", "flash")] = "Registrerat att rektor har tagit del av svaren."


def render(case: Case, user: ui.CurrentUser, read_only: bool) -> None:
    """Offer each survey as a printable form and as text to paste, and (unless `read_only`) a form for the answers."""
    st.subheader("Avslutande enkäter")
    st.caption("Enkäterna till vårdnadshavare, skola och elev skickas vid avslut. Skriv ut formuläret eller klistra "
               "in texten i kommunens enkätverktyg, registrera när den skickades, och för sedan in svaren här med "
               "svarandens roll.")
    if surveys.is_example():
        st.warning("Frågorna är ett exempel som teamet ska byta ut (data/surveys.yaml): ingen av utredningarna "
                   "innehåller enkätfrågor.", icon=":material/edit_note:")
    flash = st.session_state.pop(_k(case.id, "", "flash"), None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    with ui.session() as s:
        sent = surveys.sendings(s, case.id)
    for survey in surveys.all_surveys():
        with st.expander(survey.name):
            _forms(case, survey)
            _sending(case, survey, [x.sent_on for x in sent if x.survey_key == survey.key], user, read_only)
            if not read_only:
                _entry(case, survey, user)
    _answers(case, user, read_only)


def _sending(case: Case, survey: Survey, sent_on: list, user: ui.CurrentUser, read_only: bool) -> None:
    k = lambda name: _k(case.id, survey.key, name)  # noqa: E731
    st.caption("Skickad: " + (", ".join(ui.fmt_date(d) for d in sent_on) if sent_on else "inte registrerad"))
    if read_only:
        return
    errors = st.session_state.get(k("sent_errors")) or {}
    with st.form(k("sent_form"), border=False):
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        c1.date_input("Skickad datum", value=clock.today(), format="YYYY-MM-DD", key=k("sent_on"))
        c2.form_submit_button("Registrera att enkäten skickats", key=k("sent_save"), on_click=_sent,
                              args=(case.id, case.version, survey.key, user.username))
        ui.show_field_errors(errors, "sent_on")
        show_form_error(errors)


def _forms(case: Case, survey: Survey) -> None:
    text = surveys.form_text(survey)
    c1, c2 = st.columns(2)
    c1.download_button("Utskrivbar enkät (HTML)", data=surveys.form_html(survey, case.number),
                       file_name=surveys.file_name(survey, case.number, "html"), mime="text/html",
                       key=_k(case.id, survey.key, "dl_html"), icon=":material/print:")
    c2.download_button("Enkäten som text", data=text, file_name=surveys.file_name(survey, None, "txt"),
                       mime="text/plain", key=_k(case.id, survey.key, "dl_txt"), icon=":material/download:")
    st.caption("Text utan länkar att klistra in i kommunens enkätverktyg:")
    st.code(text, language=None)


def _entry(case: Case, survey: Survey, user: ui.CurrentUser) -> None:
    k = lambda name: _k(case.id, survey.key, name)  # noqa: E731
    errors = st.session_state.get(k("errors")) or {}
    with st.form(k("form")):
        st.markdown("**För in svar**")
        st.selectbox("Vem har svarat", survey.respondent_roles, index=None, placeholder="Välj roll", key=k("role"))
        ui.show_field_errors(errors, "respondent_role")
        st.date_input("Svarsdatum", value=None, format="YYYY-MM-DD", key=k("date"))
        ui.show_field_errors(errors, "answered_on")
        for q in survey.questions:
            if q.scale:
                st.radio(q.text, q.scale, index=None, key=k(f"q_{q.key}"))
            else:
                st.text_area(q.text, key=k(f"q_{q.key}"), max_chars=surveys.FREE_TEXT_MAX)
            ui.show_field_errors(errors, q.key)
        if survey.rector_sees:
            st.date_input("Rektor har tagit del av svaren (datum, om det är gjort)", value=None, format="YYYY-MM-DD",
                          key=k("seen"))
            ui.show_field_errors(errors, "rector_seen_on")
        show_form_error(errors)
        st.form_submit_button("Spara svar", key=k("save"), on_click=_enter,
                              args=(case.id, case.version, survey.key, user.username))


def _answers(case: Case, user: ui.CurrentUser, read_only: bool) -> None:
    with ui.session() as s:
        got = surveys.responses(s, case.id)
    if not got:
        st.caption("Inga enkätsvar inlagda ännu.")
        return
    st.markdown("**Inlagda svar**")
    by_key = {sv.key: sv for sv in surveys.all_surveys()}
    for r in got:
        survey = by_key.get(r.survey_key)
        title = survey.name if survey else r.survey_key
        texts = {q.key: q.text for q in survey.questions} if survey else {}
        answers = surveys.answers_of(r)
        order = [key for key in texts if key in answers] + [key for key in answers if key not in texts]
        lines = [f"- {texts.get(key, key)}: {ui.md(answers[key])}" for key in order]  # typed text is data
        st.markdown(f"{title} · {r.respondent_role} · {ui.fmt_date(r.answered_on)}\n\n" + "\n".join(lines))
        if survey is not None and survey.rector_sees:
            _rector(case, r, user, read_only)


def _rector(case: Case, r, user: ui.CurrentUser, read_only: bool) -> None:
    if r.rector_seen_on is not None:
        st.caption(f"Rektor har tagit del av svaren {ui.fmt_date(r.rector_seen_on)}.")
        return
    st.caption("Rektor har inte tagit del av svaren (enligt det som registrerats).")
    if read_only:
        return
    k = lambda name: _k(case.id, f"r{r.id}", name)  # noqa: E731
    errors = st.session_state.get(k("errors")) or {}
    with st.form(k("form"), border=False):
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        c1.date_input("Rektor tog del av svaren", value=clock.today(), format="YYYY-MM-DD", key=k("seen"))
        c2.form_submit_button("Registrera", key=k("save"), on_click=_seen,
                              args=(case.id, case.version, r.id, user.username))
        ui.show_field_errors(errors, "rector_seen_on")
        show_form_error(errors)
