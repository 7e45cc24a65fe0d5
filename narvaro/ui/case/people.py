"""The Samtycke och aktörer tab and the Anteckningar tab."""
from __future__ import annotations

import streamlit as st

from narvaro import ui
from narvaro.casework import actors, consent, notes, pupil
from narvaro.core import clock
from narvaro.core.models import Case
from narvaro.ui.case.common import RETURN_KEY, errors, open_tab, feedback_for, k, save, show, show_form_error, value

# --- callbacks -----------------------------------------------------------------------------------

def _add_consent(case_id: int, username: str) -> None:
    v = lambda name: value(case_id, name)  # noqa: E731
    saved = save(case_id, "consent",
         lambda s, ver: consent.add_consent(s, case_id, ver, given_by=v("cs_given_by"), actors=list(v("cs_actors") or []),
                                            given_on=v("cs_given_on") or clock.today(), valid_until=v("cs_until"),
                                            by=username),
         "Samtycket är registrerat.", clear=("cs_given_by", "cs_actors", "cs_given_on", "cs_until"))
    back = st.session_state.pop(RETURN_KEY.format(case_id=case_id), None) if saved else None
    if back:  # came here from a consent refusal on an intervention: back to it, as it was left
        open_tab(case_id, back)


def _withdraw(case_id: int, consent_id: int, username: str) -> None:
    save(case_id, f"cs_{consent_id}",
         lambda s, v: consent.withdraw(s, case_id, v, consent_id, clock.today(), by=username),
         "Samtycket är återkallat.")


def _add_actor(case_id: int, username: str) -> None:
    v = lambda name: value(case_id, name)  # noqa: E731
    save(case_id, "actor",
         lambda s, ver: actors.add_actor(s, case_id, ver, actor_type=v("ac_type"), organisation=v("ac_org"),
                                        contact_person=v("ac_contact"), by=username),
         "Aktören är tillagd.", clear=("ac_type", "ac_org", "ac_contact"))


def _add_note(case_id: int, username: str) -> None:
    v = lambda name: value(case_id, name)  # noqa: E731
    save(case_id, "note",
         lambda s, ver: notes.add_note(s, case_id, ver, text=v("note_text"), written_on=v("note_date"),
                                       corrects_id=v("note_corrects"), by=username),
         "Anteckningen är sparad.", clear=("note_text", "note_date", "note_corrects"))


# --- rendering -----------------------------------------------------------------------------------

def _consent_state(c, today, case: Case) -> str:
    if c.withdrawn_on is not None and c.withdrawn_on <= today:
        return f"återkallat {ui.fmt_date(c.withdrawn_on)}"
    if consent.guardian_consent_lapsed(case, c, today):
        return "gäller inte längre: eleven är myndig"
    if c.valid_until is not None and c.valid_until < today:
        return "har gått ut"
    return "giltigt" if consent.is_valid(c, today) else f"gäller från {ui.fmt_date(c.given_on)}"


def render_consent(case: Case, user: ui.CurrentUser, can_work: bool) -> None:
    ref = ui.config().reference
    today = clock.today()
    with ui.session() as s:  # read first; nothing is held open while drawing
        missing = actors.actors_without_consent(s, case.id)
        rows = consent.consents(s, case.id)
        involved = actors.actors_for(s, case.id)
    if missing:
        st.warning(f"Inget giltigt samtycke för {', '.join(missing)}. Information får inte utbytas och samordnande "
                   "insatser med aktören kan inte läggas in förrän samtycke finns.", icon=":material/block:")
    st.subheader("Samtycken")
    if not rows:
        st.caption("Inga samtycken registrerade.")
    for c in rows:
        until = f", giltigt till {ui.fmt_date(c.valid_until)}" if c.valid_until else ""
        st.markdown(f"- **{c.given_by}** för {', '.join(consent.actors_of(c))} – givet {ui.fmt_date(c.given_on)}"
                    f"{until} – {_consent_state(c, today, case)}")
        if can_work and c.withdrawn_on is None:
            st.button("Återkalla samtycket", key=k(case.id, f"cs_withdraw_{c.id}"), on_click=_withdraw,
                      args=(case.id, c.id, user.username), type="tertiary")
            show_form_error(errors(case.id, f"cs_{c.id}"))
    if can_work:
        errs = errors(case.id, "consent")
        adult = pupil.of_age(case, today)
        with st.form(k(case.id, "consent_form")):
            st.markdown("**Registrera samtycke**")
            if st.session_state.get(RETURN_KEY.format(case_id=case.id)):
                st.info("Efter att samtycket är registrerat kommer du tillbaka till insatsen du höll på att lägga till.",
                        icon=":material/undo:")
            if adult:
                st.caption("Eleven är myndig: bara eleven själv ger samtycke.")
            elif adult is None and case.birth_year and case.birth_year + ui.config().process.rules.majority_age \
                    == today.year:
                st.caption("Eleven fyller 18 i år: kontrollera om eleven är myndig innan vårdnadshavare ger samtycke.")
            st.selectbox("Givet av", ref.consent_givers_for(bool(adult)), index=None, placeholder="Välj",
                         key=k(case.id, "cs_given_by"))
            show(errs, "given_by")
            st.multiselect("Gäller aktörer", ref.actor_types, key=k(case.id, "cs_actors"))
            show(errs, "actors")
            st.date_input("Datum för samtycket", value=today, key=k(case.id, "cs_given_on"), format="YYYY-MM-DD")
            show(errs, "given_on")
            st.date_input("Giltigt till", value=None, key=k(case.id, "cs_until"), format="YYYY-MM-DD")
            show(errs, "valid_until")
            show_form_error(errs)
            st.form_submit_button("Registrera samtycke", key=k(case.id, "cs_save"), on_click=_add_consent,
                                  args=(case.id, user.username))
            feedback_for(case.id, "consent")

    st.subheader("Aktörer i ärendet")
    if not involved:
        st.caption("Inga andra aktörer inkopplade.")
    for a in involved:
        ok = "samtycke finns" if a.actor_type not in missing else ":orange[**samtycke saknas**]"
        org = f" ({ui.md(a.organisation)})" if a.organisation else ""  # typed text is data (narvaro.ui.safe)
        st.markdown(f"- **{a.actor_type}**{org} – kontaktperson {ui.md(a.contact_person) or '–'} – {ok}")
    if can_work:
        errs = errors(case.id, "actor")
        with st.form(k(case.id, "actor_form")):
            st.markdown("**Lägg till aktör**")
            st.selectbox("Aktör", ref.actor_types, index=None, placeholder="Välj", key=k(case.id, "ac_type"))
            show(errs, "actor_type")
            st.text_input("Organisation eller enhet", key=k(case.id, "ac_org"))
            show(errs, "organisation")
            st.text_input("Kontaktperson", key=k(case.id, "ac_contact"))
            show(errs, "contact_person")
            show_form_error(errs)
            st.form_submit_button("Lägg till aktör", key=k(case.id, "ac_save"), on_click=_add_actor,
                                  args=(case.id, user.username))
            feedback_for(case.id, "actor")


def render_notes(case: Case, user: ui.CurrentUser, can_work: bool) -> None:
    with ui.session() as s:
        rows = notes.notes_for(s, case.id)
    st.subheader("Tjänsteanteckningar")
    st.caption("Anteckningar ändras eller tas inte bort. Rätta genom en ny anteckning som hänvisar till den gamla.")
    if can_work:
        errs = errors(case.id, "note")
        with st.form(k(case.id, "note_form")):
            st.date_input("Datum", value=clock.today(), key=k(case.id, "note_date"), format="YYYY-MM-DD")
            show(errs, "note_date")
            st.text_area("Anteckning", key=k(case.id, "note_text"))
            show(errs, "note_text")
            by_id = {n.id: n for n in rows}
            st.selectbox("Rättar anteckning", [None, *by_id], key=k(case.id, "note_corrects"),
                         format_func=lambda i: "Ingen (ny anteckning)" if i is None
                         else f"Nr {i}, {ui.fmt_date(by_id[i].written_on)}: {by_id[i].text[:40]}")
            show(errs, "corrects_id")
            show_form_error(errs)
            st.form_submit_button("Spara anteckning", key=k(case.id, "note_save"), on_click=_add_note,
                                  args=(case.id, user.username))
            feedback_for(case.id, "note")
    if not rows:
        st.caption("Inga anteckningar ännu.")
    fixes = notes.corrected_by(rows)
    for n in reversed(rows):
        with st.container(border=True):
            ref = f" – rättar nr {n.corrects_id}" if n.corrects_id else ""
            st.markdown(f"**Nr {n.id}** {ui.fmt_date(n.written_on)}, {n.author}{ref}")
            st.text(n.text)
            if n.id in fixes:
                st.caption("Rättad i " + ", ".join(f"nr {f.id}" for f in fixes[n.id]) + ".")
