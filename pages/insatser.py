"""Insatser: the exempellista with what the team has used and what worked, custom interventions, and picking for a case."""
import pandas as pd
import streamlit as st

from narvaro import ui
from narvaro.casework import cases, catalogue
from narvaro.casework.catalogue import KIND_LABELS, KINDS
from narvaro.core.errors import FieldError, NotAllowed, NotFound
from narvaro.core.permissions import PROMOTER_ROLES
from narvaro.core.text import cell_text
from narvaro.reporting import intervention_usage, suppression, what_worked
from narvaro.ui.case import common as case_common
from narvaro.ui.case import interventions as interventions_panel

user = ui.guard("interventions")
cfg = ui.config()
threshold = cfg.process.rules.small_number_threshold

st.title("Insatser")
st.caption("Exempellistan är en utgångspunkt för samtalet med skolan. Siffrorna visar hur många ärenden som använt "
           "insatsen och, bland avslutade ärenden, hur många som avslutades för att eleven återgått till undervisning, "
           "medianen av närvarons förändring (närvaro vid avslut − närvaro vid inskrivning, i procentenheter) och "
           "medianen av månader till avslut. "
           f"{suppression.notice(threshold)} så att ingen elev kan kännas igen.")



def _frame(rows: list[dict]) -> pd.DataFrame:
    # Counts and "<5" share a column, so every cell is shown as Swedish text.
    return pd.DataFrame(rows).astype(object).map(cell_text)


promoted = st.session_state.pop("ins_promote_flash", None)
if promoted:
    st.success(promoted, icon=":material/check_circle:")

search = st.text_input("Sök insats", key="ins_search", placeholder="t.ex. SMS, BUP, nätverksmöte")
with ui.session() as s:
    used = intervention_usage.usage(s)
    found = catalogue.catalogue(s, search)
    worked = what_worked.compute(s)
by_key = {u.key: u for u in used if u.key is not None}
custom = [u for u in used if u.key is None]
worked_by_key = {w.key: w for w in worked if w.key is not None}
worked_custom = {(w.name, w.kind): w for w in worked if w.key is None}

for kind in KINDS:
    st.subheader(f"{KIND_LABELS[kind]} insatser")
    if not found[kind]:
        st.caption("Inga insatser matchar sökningen.")
        continue
    rows = [{"Insats": d.name, "Beskrivning": d.description, **intervention_usage.usage_display(by_key.get(d.key), threshold),
             **what_worked.medians(worked_by_key.get(d.key), threshold)}
            for d in found[kind]]
    st.dataframe(_frame(rows), hide_index=True, key=f"ins_table_{kind}")

st.subheader("Egna insatser i ärenden")
if not custom:
    st.caption("Inga egna insatser har lagts in i något ärende.")
else:
    rows = [{"Insats": u.name, "Typ": KIND_LABELS.get(u.kind, u.kind), **intervention_usage.usage_display(u, threshold),
             **what_worked.medians(worked_custom.get((u.name, u.kind)), threshold)}
            for u in custom]
    st.dataframe(_frame(rows), hide_index=True, key="ins_table_custom")

if user.role in PROMOTER_ROLES and custom:
    st.subheader("Lyft in en egen insats i exempellistan")
    errors = st.session_state.get("ins_promote_errors") or {}

    @ui.callback  # a failure is told calmly on the next run
    def _promote() -> None:
        ss = st.session_state
        choice = ss.get("ins_promote_pick")
        name, kind = choice if choice else ("", "")
        try:
            with ui.session() as s:
                new = catalogue.promote(s, name=name, kind=kind, description=ss.get("ins_promote_desc", ""),
                                        by=user.username, role=user.role)
        except FieldError as exc:
            ss["ins_promote_errors"] = exc.errors
        except NotAllowed as exc:
            ss["ins_promote_errors"] = {"_form": str(exc)}
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
        st.text_area("Kort beskrivning", key="ins_promote_desc", max_chars=catalogue.DESCRIPTION_MAX)
        ui.show_field_errors(errors, "description")
        ui.show_field_errors(errors, "_form")
        st.form_submit_button("Lyft in i exempellistan", key="ins_promote", on_click=_promote)

st.subheader("Välj insatser för ett ärende")
number = st.text_input("Ärendenummer", key="ins_case", placeholder="NK-ÅÅÅÅ-NNNN").strip().upper()
if number:
    try:
        with ui.session() as s:
            # One audit entry per opening (or refusal), not one per rerun of the page.
            access = cases.open_case_for(s, user, number, new_visit=st.session_state.get("ins_opened") != number)
    except (NotFound, NotAllowed) as exc:
        st.error(ui.md(exc), icon=":material/lock:" if isinstance(exc, NotAllowed) else ":material/error:")
    else:
        case_common.take_flash()
        interventions_panel.render(access.case, user, read_only=not access.can_work)
    st.session_state["ins_opened"] = number
