"""The case's Insatser panel: the interventions on the case, their status and effect, and picking new ones.

Saving happens in button callbacks, before the page runs again, so the page that embeds this panel
reads the case afresh (new version) and messages land next to the field they are about. Every save
states the version the user saw; a stale one is refused and what was typed stays in the form.
"""
from __future__ import annotations

from typing import Any

import streamlit as st

from narvaro import ui
from narvaro.casework import catalogue, interventions, meetings
from narvaro.casework.catalogue import KIND_LABELS, KINDS
from narvaro.core.models import Case, CaseIntervention, Meeting
from narvaro.core.errors import MissingConsent
from narvaro.ui.case.common import (RETURN_KEY, consent_actors_key, feedback_at, flash, open_tab, run_save,
                                    show_form_error)
from narvaro.ui.forms import keyed, renew_keys

OWN = "__egen__"


def _k(case_id: int, name: str) -> str:
    """Widget keys of the panel; a form's fields get fresh keys after each successful save (see narvaro.ui.forms)."""
    return keyed(f"ip_{case_id}_{name}")


def _errors(key: str) -> dict[str, str]:
    return st.session_state.get(key) or {}


def _save(err_key: str, action, form_id: str, message: str, clear: tuple[str, ...] = ()) -> None:
    """Run one save; on success the form's fields get fresh keys (nothing carried into the next record) and the
    confirmation shows next to the button."""
    if run_save(err_key, action):
        renew_keys(tuple(f"ip_{base}" for base in clear))
        flash(form_id, message)


# --- callbacks -----------------------------------------------------------------------------------

def _add(case_id: int, version: int, username: str) -> None:
    ss = st.session_state
    k = lambda name: _k(case_id, name)  # noqa: E731
    pick = ss.get(k("pick"))
    own = pick == OWN
    fields: dict[str, Any] = dict(
        by=username, performed_by=ss.get(k("performer")), actor_type=ss.get(k("actor")),
        start_on=ss.get(k("start")), plan=ss.get(k("plan")), status=ss.get(k("status")),
    )
    if own:
        fields.update(name=ss.get(k("name")), kind=ss.get(k("kind")))
    else:
        fields.update(intervention_key=pick)
    ss.pop(f"ip_{case_id}_needs_consent", None)

    def add(s) -> None:
        try:
            interventions.add_intervention(s, case_id, version, **fields)
        except MissingConsent as exc:  # offer the way to the consent form, with this actor filled in
            ss[f"ip_{case_id}_needs_consent"] = exc.actor_type
            raise

    _save(k("add_errors"), add, f"ip_{case_id}_add", "Insatsen är tillagd.",
          clear=tuple(f"{case_id}_{n}" for n in ("name", "plan", "actor", "start", "status", "performer", "search")))


def _status(case_id: int, version: int, ci_id: int, username: str) -> None:
    value = st.session_state.get(_k(case_id, f"status_{ci_id}"))
    _save(_k(case_id, f"status_errors_{ci_id}"),
          lambda s: interventions.update_status(s, case_id, version, ci_id, value, by=username),
          f"ip_{case_id}_status_{ci_id}", f"Status ändrad till {value}.")


def _rate(case_id: int, version: int, ci_id: int, username: str) -> None:
    ss = st.session_state
    k = lambda name: _k(case_id, f"{name}_{ci_id}")  # noqa: E731
    rating, comment, meeting_id = ss.get(k("rating")), ss.get(k("comment")), ss.get(k("meeting"))
    _save(k("rate_errors"),
          lambda s: interventions.rate_effect(s, case_id, version, ci_id, rating=rating, comment=comment,
                                              meeting_id=meeting_id, by=username),
          f"ip_{case_id}_rate_{ci_id}", "Effekten är sparad.",
          clear=tuple(f"{case_id}_{n}_{ci_id}" for n in ("rating", "comment", "meeting")))


PICKER = ("kind", "search", "pick", "name", "performer", "actor", "start", "plan", "status")


def _to_consent(case_id: int, actor: str) -> None:
    """From a consent refusal to the consent form with the actor filled in; the intervention being added is kept and
    comes back when the consent is registered (people._add_consent)."""
    ss = st.session_state
    ss[f"ip_{case_id}_stash"] = {name: ss.get(_k(case_id, name)) for name in PICKER}
    ss[consent_actors_key(case_id)] = [actor]
    ss[RETURN_KEY.format(case_id=case_id)] = "insatser"
    open_tab(case_id, "samtycke")


def _restore(case_id: int) -> None:
    """Back from the consent form: the intervention form as the user left it, without the old refusal."""
    ss = st.session_state
    stash = ss.pop(f"ip_{case_id}_stash", None)
    if stash is None:
        return
    ss.pop(RETURN_KEY.format(case_id=case_id), None)  # back here, with or without the consent
    for name, val in stash.items():
        if val is not None:
            ss[_k(case_id, name)] = val
    ss.pop(_k(case_id, "add_errors"), None)
    ss.pop(f"ip_{case_id}_needs_consent", None)


# --- rendering -----------------------------------------------------------------------------------

def render(case: Case, user: ui.CurrentUser, read_only: bool, on_case_page: bool = False) -> None:
    """Show the case's interventions; unless `read_only`, let the user change status, rate effect and add new ones.
    On the case page a consent refusal leads to the consent tab and back."""
    st.subheader("Insatser")
    if on_case_page:
        _restore(case.id)
    with ui.session() as s:
        rows = interventions.for_case(s, case.id)
        rated = interventions.ratings(s, case.id)
        held = meetings.meetings_for(s, case.id)
    if not rows:
        st.info("Inga insatser på ärendet ännu.")
    for ci in rows:
        _intervention(case, ci, rated.get(ci.id, []), held, user, read_only)
    if not read_only:
        _picker(case, user, on_case_page)


def _intervention(case: Case, ci: CaseIntervention, rated: list[interventions.Rating], held: list[Meeting],
                  user: ui.CurrentUser, read_only: bool) -> None:
    with st.container(border=True):
        own = " · egen insats" if ci.intervention_key is None else ""
        st.markdown(f"**{ui.md(ci.name)}**")  # typed text is data (narvaro.ui.safe)
        st.caption(f"{KIND_LABELS.get(ci.kind, ci.kind)}{own} · status: {ci.status}")
        who = ui.md(ci.performed_by) or "–"
        if ci.actor_type:
            who += f" (aktör: {ci.actor_type})"
        st.markdown(f"Utförs av: {who}  \nStartdatum: {ui.fmt_date(ci.start_on)}  \n"
                    f"Frekvens eller plan: {ui.md(ci.plan) or '–'}")
        if rated:
            lines = [f"- {ui.fmt_date(r.meeting_on) if r.meeting_on else 'utan möte'}: **{r.rating}**"
                     + (f" – {ui.md(r.comment)}" if r.comment else "") for r in rated]
            st.markdown("Effekt vid uppföljning:\n" + "\n".join(lines))
        else:
            st.caption("Ingen effekt bedömd ännu.")
        if read_only:
            return
        left, right = st.columns(2)
        with left, st.form(_k(case.id, f"status_form_{ci.id}"), border=False):
            errors = _errors(_k(case.id, f"status_errors_{ci.id}"))
            statuses = ui.config().reference.intervention_status_labels
            st.selectbox("Status", statuses, index=statuses.index(ci.status) if ci.status in statuses else 0,
                         key=_k(case.id, f"status_{ci.id}"))
            ui.show_field_errors(errors, "status")
            show_form_error(errors)
            st.form_submit_button("Spara status", key=_k(case.id, f"status_save_{ci.id}"),
                                  on_click=_status, args=(case.id, case.version, ci.id, user.username))
            feedback_at(f"ip_{case.id}_status_{ci.id}", errors)
        with right, st.form(_k(case.id, f"rate_form_{ci.id}"), border=False):
            errors = _errors(_k(case.id, f"rate_errors_{ci.id}"))
            by_id = {m.id: m for m in held}
            st.selectbox("Uppföljningsmöte", [None, *by_id],
                         format_func=lambda i: "Inget möte" if i is None else
                         f"{by_id[i].held_on.isoformat()} {by_id[i].kind}",
                         index=len(by_id), key=_k(case.id, f"meeting_{ci.id}"))
            ui.show_field_errors(errors, "meeting_id")
            st.selectbox("Effekt", ui.config().reference.effect_ratings, index=None, placeholder="Välj effekt",
                         key=_k(case.id, f"rating_{ci.id}"))
            ui.show_field_errors(errors, "rating")
            st.text_area("Kommentar till effekten", key=_k(case.id, f"comment_{ci.id}"), height=68)
            ui.show_field_errors(errors, "comment")
            show_form_error(errors)
            st.form_submit_button("Spara effekt", key=_k(case.id, f"rate_save_{ci.id}"),
                                  on_click=_rate, args=(case.id, case.version, ci.id, user.username))
            feedback_at(f"ip_{case.id}_rate_{ci.id}", errors)


def _picker(case: Case, user: ui.CurrentUser, on_case_page: bool) -> None:
    ss = st.session_state
    k = lambda name: _k(case.id, name)  # noqa: E731
    errors = _errors(k("add_errors"))
    st.markdown("#### Lägg till insats")
    st.caption("Välj ur exempellistan tillsammans med skolan, eller skriv en egen insats.")
    kind = st.radio("Typ av insats", KINDS, format_func=KIND_LABELS.get, horizontal=True, key=k("kind"))
    search = st.text_input("Sök i exempellistan", key=k("search"), placeholder="t.ex. SMS, BUP, lunch")
    with ui.session() as s:
        found = catalogue.catalogue(s, search)[kind]
    names = {d.key: d.name for d in found}
    options = [*names, OWN]
    if ss.get(k("pick")) not in options:
        ss[k("pick")] = options[0]
    pick = st.selectbox("Insats", options, key=k("pick"),
                        format_func=lambda key: "Egen insats (skriv namnet nedan)" if key == OWN else names[key])
    ui.show_field_errors(errors, "intervention_key")
    if search and not found:
        st.caption("Inget i exempellistan matchar sökningen. Lägg till en egen insats eller ändra sökningen.")
    if pick != OWN:
        st.caption(next(d.description for d in found if d.key == pick))
    with st.form(k("add_form")):
        if pick == OWN:
            st.text_input("Namn på egen insats", key=k("name"), max_chars=catalogue.NAME_MAX)
            ui.show_field_errors(errors, "name")
            ui.show_field_errors(errors, "kind")
        ref = ui.config().reference
        st.selectbox("Utförs av", ref.performer_labels, key=k("performer"))
        ui.show_field_errors(errors, "performed_by")
        st.selectbox("Extern aktör", [None, *ref.actor_types], key=k("actor"),
                     format_func=lambda a: "Ingen extern aktör" if a is None else a,
                     help=f"Välj aktör om insatsen görs med eller av en annan aktör (krävs för {ref.other_actor_performer}). "
                          "Samordnande insatser med en extern aktör kräver giltigt samtycke.")
        if "actor_type" in errors:
            st.error(errors["actor_type"], icon=":material/block:")
        needs = ss.get(f"ip_{case.id}_needs_consent") if "actor_type" in errors else None
        st.date_input("Startdatum", key=k("start"), value=None, format="YYYY-MM-DD")
        st.text_input("Frekvens eller plan", key=k("plan"), placeholder="t.ex. SMS varje morgon",
                      max_chars=interventions.PLAN_MAX)
        ui.show_field_errors(errors, "plan")
        st.selectbox("Status", ref.intervention_status_labels, key=k("status"))
        ui.show_field_errors(errors, "status")
        show_form_error(errors)
        st.form_submit_button("Lägg till insats", key=k("add"), type="primary",
                              on_click=_add, args=(case.id, case.version, user.username))
        feedback_at(f"ip_{case.id}_add", errors)
    if needs and on_case_page:
        st.button("Registrera samtycke", key=k("to_consent"), type="primary", icon=":material/assignment_add:",
                  on_click=_to_consent, args=(case.id, needs),
                  help=f"Öppnar fliken Samtycke och aktörer med {needs} ifyllt; sedan tillbaka hit till insatsen.")
