"""The Arbetsgång tab: the steps with goal, när and hur, the checklist, the rector's answer and moving on."""
from __future__ import annotations

import streamlit as st

from narvaro import ui
from narvaro.casework import actors, meetings, workflow
from narvaro.core import clock
from narvaro.core.config import Step
from narvaro.core.models import Case
from narvaro.ui.case.common import errors, feedback_for, k, save, show, show_form_error, value

STATE_ICONS = {"klar": ":material/check_circle:", "aktuell": ":material/arrow_forward:",
               "kommande": ":material/radio_button_unchecked:", "hoppades över": ":material/remove:"}


def _dates(stage: workflow.Stage) -> str:
    parts = []
    if stage.start:
        parts.append(f"från {ui.fmt_date(stage.start)}")
    if stage.earliest and stage.key != "uppfoljning":
        parts.append(f"tidigast {ui.fmt_date(stage.earliest)}")
    if stage.due and stage.key != "uppfoljning":
        parts.append(f"senast {ui.fmt_date(stage.due)}" + (" (lokalt val)" if stage.local_choice else ""))
    if stage.key == "uppfoljning" and stage.state == "kommande" and stage.start:
        parts = [f"bokat {ui.fmt_date(stage.start)}"]
    if stage.end and stage.key not in ("uppfoljning",):
        parts.append(f"klart {ui.fmt_date(stage.end)}")
    if stage.note:
        parts.append(stage.note)
    return " · ".join(parts)


def overview(stages: list[workflow.Stage]) -> None:
    lines = []
    for stage in stages:
        label = f"{stage.label}" + (f" ({_dates(stage)})" if _dates(stage) else "")
        if stage.state == "aktuell":
            label = f":blue-background[**{label} – aktuellt steg**]"
            if stage.overdue:
                label += " :orange[**tiden har gått ut**]"
        elif stage.overdue:
            label += " :orange[**datumet har passerat**]"
        lines.append(f"- {STATE_ICONS[stage.state]} {label}")
    st.markdown("\n".join(lines))


# --- callbacks -----------------------------------------------------------------------------------

def _tick(case_id: int, step_key: str, item_key: str, username: str, not_applicable: bool) -> None:
    reason = value(case_id, f"na_{item_key}")
    save(case_id, f"item_{item_key}",
         lambda s, v: workflow.mark_item(s, case_id, v, step_key=step_key, item_key=item_key, by=username,
                                         not_applicable=not_applicable, reason=reason),
         "Punkten är markerad som ej aktuell." if not_applicable else "Punkten är avbockad.",
         clear=(f"na_{item_key}",))


def _untick(case_id: int, step_key: str, item_key: str, username: str) -> None:
    reason = value(case_id, f"un_{item_key}")
    save(case_id, f"item_{item_key}",
         lambda s, v: workflow.unmark_item(s, case_id, v, step_key=step_key, item_key=item_key, by=username,
                                           reason=reason),
         "Markeringen är borttagen.", clear=(f"un_{item_key}",))


def _start(case_id: int, username: str) -> None:
    contacted, answer = value(case_id, "contacted_on"), value(case_id, "answer")
    flash = ("Ärendet är avslutat: rektor önskar inte stöd." if answer == workflow.NO_SUPPORT
             else "Kontakten med rektor är sparad.")
    save(case_id, "start", lambda s, v: workflow.record_start(s, case_id, v, contacted_on=contacted, answer=answer,
                                                              by=username),
         flash, clear=("contacted_on", "answer"))


def _move(case_id: int, target_name: str, username: str) -> None:
    reason = value(case_id, "move_reason")
    save(case_id, "move", lambda s, v: workflow.move_on(s, case_id, v, by=username, open_items_reason=reason),
         f"Ärendet är nu i {target_name}.", clear=("move_reason",))


# --- rendering -----------------------------------------------------------------------------------

def render(case: Case, user: ui.CurrentUser, can_work: bool) -> None:
    cfg = ui.config()
    with ui.session() as s:  # read everything first; nothing is held open while drawing
        stages = workflow.stages(s, case)
        lists = {step.key: workflow.checklist(s, case, step.key, workflow.mark_cycle(case, step))
                 for step in cfg.process.steps}
        missing = actors.actors_without_consent(s, case.id)
        left = workflow.open_items(s, case)
    st.subheader("Arbetsgång")
    st.caption(f"Mål i varje steg: {cfg.process.goal}")
    overview(stages)
    for step in cfg.process.steps:
        current = case.current_step == step.key
        mine = [s for s in stages if s.step is not None and s.step.key == step.key]
        stage = next((s for s in mine if s.state == "aktuell"), mine[-1] if mine else None)
        title = f"{step.name} (aktuellt steg)" if current else step.name
        with st.expander(title, expanded=current):
            _step(case, step, stage, lists[step.key], missing, user, can_work and current)
    if can_work:
        _move_form(case, user, left)


def _step(case: Case, step: Step, stage: workflow.Stage | None, items: list[workflow.ItemState], missing: list[str],
          user: ui.CurrentUser, editable: bool) -> None:
    cfg = ui.config()
    when = step.when
    if stage is not None and _dates(stage):
        when += f" **{_dates(stage)}**"
    st.markdown(f"**Mål:** {cfg.process.goal}  \n**När:** {when}")
    st.markdown("**Hur:**")
    for state in items:
        _item(case, step, state, user, editable)
    if not editable:
        return
    if cfg.process.step_index(step.key) == 0:
        _start_form(case, user)
    if step.window.start == "first_rector_contact":
        window = meetings.first_follow_up_window(case)
        meeting_step = workflow.first_meeting_step(cfg)  # the one rule for the first follow-up: its window
        hint = (f"{meeting_step.name}: {meeting_step.when} Går ärendet vidare i dag hålls det första "
                f"uppföljningsmötet mellan {ui.fmt_date(window[0])} och {ui.fmt_date(window[1])}. "
                if window and window[0] and window[1] else "")
        st.info(f"{hint}Registrera EHT-mötet med den skriftliga ansvarsfördelningen och datum för uppföljningsmötet "
                "under **Möten**. Är fler aktörer inkopplade behövs samtycke: se **Samtycke och aktörer**.",
                icon=":material/info:")
        # 003:491: consent is gathered here, in Steg 1, when more actors are involved (no longer at intake).
        if missing:
            st.warning(f"Samtycke saknas för {', '.join(missing)}: lös samtycke nu, i Steg 1.",
                       icon=":material/assignment_late:")


def _item(case: Case, step: Step, state: workflow.ItemState, user: ui.CurrentUser, editable: bool) -> None:
    item, mark = state.item, state.mark
    admin = " *(administration)*" if item.administration else ""
    if mark is not None:
        if mark.not_applicable:
            st.markdown(f":material/remove_done: ~~{item.text}~~{admin} – ej aktuell: {ui.md(mark.reason)} "
                        f"({mark.marked_by}, {ui.fmt_date(mark.marked_at)})")
        elif mark.proof:
            st.markdown(f":material/check_box: {item.text}{admin} – klar, bockad av {ui.md(mark.proof)} "
                        f"({mark.marked_by}, {ui.fmt_date(mark.marked_at)})")
        else:
            st.markdown(f":material/check_box: {item.text}{admin} – klar ({mark.marked_by}, "
                        f"{ui.fmt_date(mark.marked_at)})")
        if editable:
            _untick_form(case, step, item.key, bool(mark.proof), user)
        return
    st.markdown(f":material/check_box_outline_blank: {item.text}{admin}")
    if not editable:
        return
    errs = errors(case.id, f"item_{item.key}")
    with st.form(k(case.id, f"item_form_{item.key}"), border=False):
        left, mid, right = st.columns([1, 3, 1], vertical_alignment="bottom")
        left.form_submit_button("Klar", key=k(case.id, f"tick_{item.key}"), on_click=_tick,
                                args=(case.id, step.key, item.key, user.username, False))
        mid.text_input("Skäl om punkten inte är aktuell", key=k(case.id, f"na_{item.key}"))
        right.form_submit_button("Ej aktuell", key=k(case.id, f"na_btn_{item.key}"), on_click=_tick,
                                 args=(case.id, step.key, item.key, user.username, True))
        show(errs, "reason")
        show(errs, "item")
        show_form_error(errs)


def _untick_form(case: Case, step: Step, item_key: str, proven: bool, user: ui.CurrentUser) -> None:
    """Take a mark back; one ticked by an action needs a reason (kept in the timeline)."""
    errs = errors(case.id, f"item_{item_key}")
    if not proven:
        st.button("Ångra markering", key=k(case.id, f"untick_{item_key}"), on_click=_untick,
                  args=(case.id, step.key, item_key, user.username), type="tertiary")
        show_form_error(errs)
        return
    with st.expander("Ångra markering", expanded=bool(errs)):
        with st.form(k(case.id, f"untick_form_{item_key}"), border=False):
            st.text_input("Skäl att ta bort markeringen", key=k(case.id, f"un_{item_key}"))
            show(errs, "unmark_reason")
            show_form_error(errs)
            st.form_submit_button("Ta bort markeringen", key=k(case.id, f"untick_{item_key}"), on_click=_untick,
                                  args=(case.id, step.key, item_key, user.username))
            feedback_for(case.id, f"item_{item_key}")


def _start_form(case: Case, user: ui.CurrentUser) -> None:
    errs = errors(case.id, "start")
    options = [None, *workflow.answers()]
    labels = {None: "Inget besked ännu", workflow.NO_SUPPORT: "Nej – stöd önskas inte (ärendet avslutas)"}
    with st.form(k(case.id, "start_form")):
        st.markdown("**Kontakt med rektor**")
        st.date_input("Första kontakt med rektor", value=case.first_rector_contact_on or clock.today(),
                      key=k(case.id, "contacted_on"), format="YYYY-MM-DD")
        show(errs, "contacted_on")
        st.selectbox("Rektors besked: önskas stöd?", options, format_func=lambda a: labels.get(a, a),
                     index=options.index(case.rector_answer) if case.rector_answer in options else 0,
                     key=k(case.id, "answer"))
        show(errs, "answer")
        show_form_error(errs)
        st.form_submit_button("Spara kontakt och besked", key=k(case.id, "start_save"), on_click=_start,
                              args=(case.id, user.username))
        feedback_for(case.id, "start")


def _move_form(case: Case, user: ui.CurrentUser, left: list) -> None:
    target, why = workflow.move_target(case)
    st.markdown("#### Gå vidare")
    errs = errors(case.id, "move")
    if target is None:
        st.info(why, icon=":material/info:")
        return
    with st.form(k(case.id, "move_form")):
        if left:
            st.warning(f"{ui.count(len(left), 'punkt', 'punkter')} i steget är inte klara. Skriv varför ärendet ändå går vidare.",
                       icon=":material/warning:")
            st.text_area("Skäl att gå vidare med öppna punkter", key=k(case.id, "move_reason"))
            show(errs, "open_items_reason")
        show(errs, "move")
        show_form_error(errs)
        st.form_submit_button(f"Gå vidare till {target.name}", key=k(case.id, "move_save"), type="primary",
                              on_click=_move, args=(case.id, target.name, user.username))
        feedback_for(case.id, "move")
