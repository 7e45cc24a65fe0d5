"""Ärendetavla: the cases by state, warnings at a glance, and the team leader's hand-out from the queue.

Filters and the view (board or list) live in the URL (?koordinator=...&omrade=...&varningar=1&vy=lista) so a view
can be bookmarked and shown in a team meeting. Each column loads at most a fixed number of cards
(narvaro.casework.board.load_board); the board itself is one custom component (narvaro.ui.board_view).
"""
import pandas as pd
import streamlit as st

from narvaro import ui
from narvaro.casework import board, caseload, handout
from narvaro.casework.board import BoardFilters
from narvaro.core import clock
from narvaro.core.errors import FieldError, NotAllowed, StaleCaseError
from narvaro.core.permissions import HANDOUT_ROLES, openable
from narvaro.ui import board_view

user = ui.guard("board")
opened = st.session_state.pop(board_view.OPEN_KEY, None)
if opened:  # a card was clicked (or Enter pressed on it): open the case in this session, before any query
    st.switch_page("pages/arende.py", query_params={"arende": opened})
cfg = ui.config()
ref, rules = cfg.reference, cfg.process.rules
ss = st.session_state
today = clock.today()
labels = board.warning_labels(cfg)
step_names = {s.key: s.name for s in cfg.process.steps}
districts = {d.key: d.name for d in ref.districts}
column_titles = {c.key: c.title for c in board.columns(cfg)}
VIEWS = {"tavla": "Tavla", "lista": "Lista"}

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
    ss["bd_view"] = st.query_params.get("vy") if st.query_params.get("vy") in VIEWS else "tavla"
    ss["bd_from_url"] = True

with st.container(border=True):
    c = st.columns(5, vertical_alignment="bottom")
    c[0].selectbox("Koordinator", list(people), index=None, format_func=people.get, placeholder="Alla",
                   key="bd_coordinator")
    c[1].selectbox("Verksamhetsområde", list(districts), index=None, format_func=districts.get, placeholder="Alla",
                   key="bd_district")
    c[2].selectbox("Skolform", ref.school_forms, index=None, placeholder="Alla", key="bd_school_form")
    c[3].selectbox("Huvudman", ref.providers, index=None, placeholder="Alla", key="bd_provider")
    c[4].selectbox("Läge", list(column_titles), index=None, format_func=column_titles.get, placeholder="Alla",
                   key="bd_state")
    c = st.columns([2, 2, 3], vertical_alignment="center")
    c[0].checkbox("Bara varningar", key="bd_warnings")
    c[1].checkbox("Mina ärenden", key="bd_mine")
    c[2].segmented_control("Visa som", list(VIEWS), format_func=VIEWS.get, key="bd_view", required=True)

filters = BoardFilters(coordinator=ss["bd_coordinator"], district=ss["bd_district"],
                       school_form=ss["bd_school_form"], provider=ss["bd_provider"], state=ss["bd_state"],
                       warnings_only=ss["bd_warnings"], mine=ss["bd_mine"])
view = ss.get("bd_view") or "tavla"
st.query_params.from_dict({**filters.to_params(), **({"vy": view} if view != "tavla" else {})})

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

# --- The board (or the list) -------------------------------------------------------------------------

make = board_view.list_payload if view == "lista" else board_view.payload
board_view.draw(make(shown, labels, step_names))

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
                st.info(f"Förslag: **{ui.md(pick.name)}** ({districts.get(pick.district, 'inget område')}, "
                        f"{ui.count(pick.open_cases, 'pågående ärende', 'pågående ärenden')}).",
                        icon=":material/lightbulb:")
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
