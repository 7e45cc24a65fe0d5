"""Ärendetavla: the cases by state, warnings at a glance, and the team leader's hand-out from the queue.

Filters live in the URL (?koordinator=...&omrade=...&varningar=1) so a view can be bookmarked and shown
in a team meeting. Each column loads at most a fixed number of cards (narvaro.casework.board.load_board).
"""
import html

import pandas as pd
import streamlit as st

from narvaro import ui
from narvaro.casework import board, caseload, handout
from narvaro.casework.board import QUEUE, BoardFilters
from narvaro.core import clock
from narvaro.core.errors import FieldError, NotAllowed, StaleCaseError
from narvaro.core.permissions import HANDOUT_ROLES, openable

user = ui.guard("board")
cfg = ui.config()
ref, rules = cfg.reference, cfg.process.rules
ss = st.session_state
today = clock.today()
labels = board.warning_labels(cfg)
step_names = {s.key: s.name for s in cfg.process.steps}
districts = {d.key: d.name for d in ref.districts}
column_titles = {c.key: c.title for c in board.columns(cfg)}

st.title("Ärendetavla")

with ui.session() as s:
    loads = caseload.handout_candidates(s)
people = {ld.username: ld.name for ld in loads}

# The URL is read once per browser session; after that the widgets own the filters and write them back.
if "bd_from_url" not in ss:
    wanted = BoardFilters.from_params(st.query_params.to_dict(), cfg)
    ss["bd_coordinator"] = wanted.coordinator if wanted.coordinator in people else None
    ss["bd_district"], ss["bd_school_form"] = wanted.district, wanted.school_form
    ss["bd_provider"], ss["bd_state"] = wanted.provider, wanted.state
    ss["bd_warnings"], ss["bd_mine"] = wanted.warnings_only, wanted.mine
    ss["bd_from_url"] = True

with st.container(border=True):
    c = st.columns([2, 2, 2, 2, 2, 1, 1], vertical_alignment="bottom")
    c[0].selectbox("Koordinator", list(people), index=None, format_func=people.get, placeholder="Alla",
                   key="bd_coordinator")
    c[1].selectbox("Verksamhetsområde", list(districts), index=None, format_func=districts.get, placeholder="Alla",
                   key="bd_district")
    c[2].selectbox("Skolform", ref.school_forms, index=None, placeholder="Alla", key="bd_school_form")
    c[3].selectbox("Huvudman", ref.providers, index=None, placeholder="Alla", key="bd_provider")
    c[4].selectbox("Läge", list(column_titles), index=None, format_func=column_titles.get, placeholder="Alla",
                   key="bd_state")
    c[5].checkbox("Bara varningar", key="bd_warnings")
    c[6].checkbox("Mina ärenden", key="bd_mine")

filters = BoardFilters(coordinator=ss["bd_coordinator"], district=ss["bd_district"],
                       school_form=ss["bd_school_form"], provider=ss["bd_provider"], state=ss["bd_state"],
                       warnings_only=ss["bd_warnings"], mine=ss["bd_mine"])
st.query_params.from_dict(filters.to_params())

with ui.session() as s:
    # Least data: a coordinator's cards are the cases the case page opens for them; the others are only counted.
    shown = board.load_board(s, filters.resolved(user.username), today, cfg=cfg, visible=openable(user.role, user.id))

hits = [f"{labels[k]}: **{n}**" for k, n in shown.warning_counts.items() if n]
if hits:
    st.warning("Varningar  \n" + "  \n".join(hits), icon=":material/warning:")
else:
    st.success("Inga varningar för de ärenden som visas.", icon=":material/check_circle:")
gap = board.calendar_warning(today, cfg)
if gap:
    st.warning(gap, icon=":material/event_busy:")
st.caption(board.school_time_note(cfg))

# --- Hand-out (teamledare) -----------------------------------------------------------------------


@ui.callback  # a failure is told calmly on the next run
def _assign() -> None:
    case_id = ss.get("ho_case")
    seen = ss.get("ho_seen", {}).get(case_id)
    if case_id is None or seen is None:
        ss["ho_result"] = ("error", "Välj ett ärende i kön.")
        return
    number, version = seen
    chosen = ss.get(f"ho_users_{case_id}") or []
    try:
        with ui.session() as s:
            handout.assign(s, case_id, version, user_ids=chosen, by=user.username, role=user.role,
                           today=clock.today())
    except (FieldError, StaleCaseError, NotAllowed) as exc:
        ss["ho_result"] = ("error", str(exc))
    else:
        names = ", ".join(ld.name for ld in loads if ld.user_id in chosen)
        ss["ho_result"] = ("success", f"{number} är fördelat till {names}.")
        ss.pop("ho_case", None)


if user.role in HANDOUT_ROLES:
    st.subheader("Fördela ur kön")
    with ui.session() as s:
        waiting = board.queue(s, today, cfg=cfg)
    # The version each case had when it was shown: handing out refuses if someone changed it since.
    ss["ho_seen"] = {card.id: (card.number, card.version) for card in waiting}
    result = ss.pop("ho_result", None)
    if result:
        (st.success if result[0] == "success" else st.error)(result[1])
    if not waiting:
        st.caption("Kön är tom.")
    else:
        by_id = {card.id: card for card in waiting}
        if ss.get("ho_case") not in by_id:
            ss["ho_case"] = waiting[0].id  # next in turn

        def _queue_label(case_id: int) -> str:
            card = by_id[case_id]
            extra = " · komplettering behövs" if card.needs_completion else ""
            return (f"{card.number} · {card.pupil_code} · {card.school or card.school_form} · "
                    f"väntat {card.days_since_received} dagar{extra}")

        c1, c2 = st.columns([3, 2])
        with c1:
            case_id = st.selectbox("Ärende i kön (i turordning)", list(by_id), format_func=_queue_label, key="ho_case")
            card = by_id[case_id]
            pick = handout.suggest(card.district, loads, rules.caseload_guideline)
            if pick is not None:
                st.info(f"Förslag: **{pick.name}** ({districts.get(pick.district, 'inget område')}, "
                        f"{pick.open_cases} pågående ärenden).", icon=":material/lightbulb:")
            names = {ld.user_id: ld.name for ld in loads}
            st.multiselect("Koordinator(er)", list(names), default=[pick.user_id] if pick else [],
                           format_func=names.get, key=f"ho_users_{case_id}",
                           help="Flera koordinatorer ger ett teamärende; den första är huvudansvarig.")
            st.button("Fördela", key="ho_assign", on_click=_assign, type="primary", icon=":material/assignment_ind:")
        with c2:
            table = pd.DataFrame([{
                "Koordinator": ld.name, "Verksamhetsområde": districts.get(ld.district, "–"),
                "Pågående ärenden": ld.open_cases, "Riktvärde": rules.caseload_guideline,
                "Över riktvärdet": "ja" if ld.open_cases >= rules.caseload_guideline else "nej",
            } for ld in loads])
            st.dataframe(table, hide_index=True, key="ho_loads")

# --- The board ------------------------------------------------------------------------------------


def _card(card: board.Card, col_key: str, place: int | None) -> None:
    with st.container(border=True):
        ui.case_link(card.number)
        lines = [f"**{html.escape(card.pupil_code)}** · {html.escape(card.school or '–')} · {card.school_form}"]
        if col_key == QUEUE:
            lines.append(f"Plats {place} i kön · väntat {card.days_since_received} dagar")
            if card.needs_completion:
                lines.append(f"Komplettering behövs: {html.escape(card.missing_prerequisites or '')}")
        else:
            lines.append(f"Koordinator: {', '.join(card.coordinators) or '–'}")
            if card.current_step and col_key not in step_names:
                lines.append(f"Steg: {step_names.get(card.current_step, card.current_step)}")
            if card.days_in_step is not None:
                lines.append(f"{card.days_in_step} dagar i steget")
            lines.append(f"Inkom för {card.days_since_received} dagar sedan"
                         if card.closed_on is None else f"Avslutat {ui.fmt_date(card.closed_on)}")
            lines.append(f"Nästa möte: {ui.fmt_date(card.next_meeting_on)}")
        lines += [f":material/warning: {labels[w]}" for w in card.warnings]
        st.markdown("  \n".join(lines))


cols = st.columns(len(shown.columns))
for slot, column in zip(cols, shown.columns):
    with slot:
        st.markdown(f"**{column.title}** ({column.total})")
        if column.key == QUEUE:
            ready = [(i + 1, c) for i, c in enumerate(column.cards) if not c.needs_completion]
            incomplete = [(i + 1, c) for i, c in enumerate(column.cards) if c.needs_completion]
            for place, card in ready:
                _card(card, column.key, place)
            if incomplete:
                st.markdown("**Komplettering behövs**")
                for place, card in incomplete:
                    _card(card, column.key, place)
        else:
            for card in column.cards:
                _card(card, column.key, None)
        if column.more:
            st.caption(f"{column.more} fler – använd filtren för att se dem.")
        elif not column.cards and not column.hidden:
            st.caption("Inga ärenden.")
        if column.hidden:
            st.caption(f"{column.hidden} andra ärenden (inte dina).")
