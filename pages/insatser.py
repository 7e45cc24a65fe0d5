"""Insatser: the exempellista with what the team has used and what worked, custom interventions, and picking for a case."""
import pandas as pd
import streamlit as st

from narvaro import cases, charts, interventions, suppression, ui, workflow
from narvaro.interventions import KIND_LABELS, KINDS, InterventionError
from narvaro.views import case_common, interventions_panel

user = ui.guard("interventions")
cfg = ui.config()
threshold = cfg.process.rules.small_number_threshold

st.title("Insatser")
st.caption("Exempellistan är en utgångspunkt för samtalet med skolan. Siffrorna visar hur många ärenden som använt "
           "insatsen och, bland avslutade ärenden, hur många som avslutades för att eleven återgått till undervisning. "
           f"{suppression.notice(threshold)} så att ingen elev kan kännas igen.")



def _frame(rows: list[dict]) -> pd.DataFrame:
    # Counts and "<5" share a column, so every cell is shown as Swedish text.
    return pd.DataFrame(rows).astype(object).map(charts.cell_text)


promoted = st.session_state.pop("ins_promote_flash", None)
if promoted:
    st.success(promoted, icon=":material/check_circle:")

with ui.session() as s:
    used = interventions.usage(s)
by_key = {u.key: u for u in used if u.key is not None}
custom = [u for u in used if u.key is None]

search = st.text_input("Sök insats", key="ins_search", placeholder="t.ex. SMS, BUP, nätverksmöte")
found = interventions.catalogue(search)
for kind in KINDS:
    st.subheader(f"{KIND_LABELS[kind]} insatser")
    if not found[kind]:
        st.caption("Inga insatser matchar sökningen.")
        continue
    rows = [{"Insats": d.name, "Beskrivning": d.description, **interventions.usage_display(by_key.get(d.key), threshold)}
            for d in found[kind]]
    st.dataframe(_frame(rows), hide_index=True, key=f"ins_table_{kind}")

st.subheader("Egna insatser i ärenden")
if not custom:
    st.caption("Inga egna insatser har lagts in i något ärende.")
else:
    rows = [{"Insats": u.name, "Typ": KIND_LABELS.get(u.kind, u.kind), **interventions.usage_display(u, threshold)}
            for u in custom]
    st.dataframe(_frame(rows), hide_index=True, key="ins_table_custom")

if user.role in interventions.PROMOTER_ROLES and custom:
    st.subheader("Lyft in en egen insats i exempellistan")
    errors = st.session_state.get("ins_promote_errors") or {}

    def _promote() -> None:
        ss = st.session_state
        choice = ss.get("ins_promote_pick")
        name, kind = choice if choice else ("", "")
        try:
            with ui.session() as s:
                new = interventions.promote(s, name=name, kind=kind, description=ss.get("ins_promote_desc", ""),
                                            by=user.username, role=user.role)
        except (InterventionError, PermissionError, OSError) as exc:
            field = getattr(exc, "field", "_form")
            ss["ins_promote_errors"] = {field: str(exc)}
        else:
            ss.pop("ins_promote_errors", None)
            ss.pop("ins_promote_desc", None)
            ss.pop("ins_promote_pick", None)
            ss["ins_promote_flash"] = f"{new.name} finns nu i exempellistan ({KIND_LABELS[kind].lower()})."

    with st.form("ins_promote_form"):
        st.selectbox("Egen insats", [(u.name, u.kind) for u in custom], index=None, placeholder="Välj insats",
                     format_func=lambda c: f"{c[0]} ({KIND_LABELS.get(c[1], c[1]).lower()})", key="ins_promote_pick")
        ui.show_field_errors(errors, "name")
        ui.show_field_errors(errors, "kind")
        st.text_area("Kort beskrivning", key="ins_promote_desc", max_chars=interventions.DESCRIPTION_MAX)
        ui.show_field_errors(errors, "description")
        ui.show_field_errors(errors, "_form")
        st.form_submit_button("Lyft in i exempellistan", key="ins_promote", on_click=_promote)

st.subheader("Välj insatser för ett ärende")
number = st.text_input("Ärendenummer", key="ins_case", placeholder="NK-ÅÅÅÅ-NNNN").strip().upper()
if number:
    with ui.session() as s:
        found_case = cases.find_by_number(s, number)
        allowed = found_case is not None and workflow.may_open(s, user.role, user.id, found_case)
        can_work = allowed and workflow.may_work_on(s, user.role, user.id, found_case)
        if allowed and st.session_state.get("ins_opened") != number:
            # One audit entry per opening, not one per rerun of the page.
            cases.open_case(s, found_case.id, user.username)
            st.session_state["ins_opened"] = number
    if found_case is None:
        st.error(f"Det finns inget ärende med nummer {number}.", icon=":material/error:")
    elif not allowed:
        st.error(case_common.NOT_YOURS, icon=":material/lock:")
    else:
        interventions_panel.render(found_case, user, read_only=not can_work)
