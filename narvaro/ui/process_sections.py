"""The process editor's tabs for what data/ describes: steps and checklists, the follow-up meeting, closing and the
reference lists, the exempellista and the surveys. Each draws its widgets and puts their values into the draft."""
from __future__ import annotations

import streamlit as st

from narvaro.ui import process_editor as pe
from narvaro.ui.process_editor import Draft, put, table, text_field
from narvaro.ui.safe import md

RETIRE = ("Ta bort en rad för att sluta använda den i nya ärenden: tidigare ärenden och versioner behåller den. "
          "Lägg till en rad längst ned; ändra Ordning för att flytta en rad.")


def steps(draft: Draft) -> None:
    process = draft.raw["process"]
    put(process, "goal", text_field(draft, "Mål i varje steg", process.get("goal"), "process.goal"))
    draft.slot("process.goal")
    for i, step in enumerate(process.get("steps") or []):
        path = f"process.steps.{i}"
        with st.expander(f"{step.get('name') or step.get('key')}", expanded=i == 1):
            put(step, "name", text_field(draft, "Namn", step.get("name"), f"{path}.name"))
            put(step, "when", text_field(draft, "När", step.get("when"), f"{path}.when", area=True))
            window = dict(step.get("window") or {})
            c1, c2 = st.columns(2)
            days = c1.number_input("Senast, dagar efter start (0 = ingen tidsgräns)", min_value=0, step=1,
                                   value=int(window.get("days") or 0), key=pe.wkey(f"{path}.days"))
            least = c2.number_input("Tidigast, dagar efter start (0 = ingen)", min_value=0, step=1,
                                    value=int(window.get("min_days") or 0), key=pe.wkey(f"{path}.min_days"))
            put(window, "days", int(days) or None)
            put(window, "min_days", int(least) or None)
            step["window"] = window
            draft.slot(f"{path}.window")
            st.markdown("**Checklista** (*hur*; markera administrativa punkter)")
            step["items"] = table(draft, f"{path}.items", step.get("items") or [], ["key", "text", "administration"],
                                  bools=("administration",), key_from="text", help=RETIRE)
            draft.slot(path)
    draft.slot("process.steps")


def follow_up(draft: Draft) -> None:
    process = draft.raw["process"]
    st.markdown("Frågorna som varje uppföljningsmöte går igenom. De fyra frågornas nycklar styr mötets fält, så "
                "texten kan ändras men raderna ska finnas kvar.")
    process["follow_up_questions"] = table(draft, "process.follow_up_questions",
                                           process.get("follow_up_questions") or [], ["key", "text"], key_from="text")


def lists(draft: Draft) -> None:
    ref = draft.raw["reference"]
    st.markdown("**Avslutsskäl.** Ett skäl kan byta namn: det räknas som samma skäl i alla års indikatorer. "
                "Exakt ett skäl är *Återgått*; högst ett *Rektor avslutar*.")
    ref["closure_reasons"] = table(draft, "reference.closure_reasons", ref.get("closure_reasons") or [],
                                   ["key", "label", "returned_to_school", "rector_declined", "rector_closed"],
                                   bools=("returned_to_school", "rector_declined", "rector_closed"), key_from="label",
                                   help=RETIRE)
    for name, title in (("effect_ratings", "Effekt av insatserna"), ("meeting_kinds", "Mötestyper"),
                        ("actor_types", "Aktörer")):
        st.markdown(f"**{title}**")
        ref[name] = table(draft, f"reference.{name}", ref.get(name) or [], ["value"], scalar=True)
    st.markdown("**Verksamhetsområden**")
    ref["districts"] = table(draft, "reference.districts", ref.get("districts") or [], ["key", "name"],
                             key_from="name")


def interventions(draft: Draft) -> None:
    raw = draft.raw["interventions"]
    st.markdown("Exempellistan är en utgångspunkt för samtalet med skolan. " + RETIRE)
    for kind, title in (("samordnande", "Samordnande"), ("stodjande", "Stödjande"), ("operativa", "Operativa")):
        st.markdown(f"**{title}**")
        rows = table(draft, f"interventions.{kind}", raw.get(kind) or [], ["key", "name", "description"],
                     key_from="name")
        if rows or kind != "stodjande":  # stödjande may be left out; the other two lists must be there
            raw[kind] = rows
        else:
            raw.pop(kind, None)


def surveys(draft: Draft) -> None:
    raw = draft.raw["surveys"]
    if raw.get("example"):
        st.info("Frågorna som följde med är exempel (ingen seed har enkätfrågor). Skriv teamets egna; kryssa ur "
                "rutan nedan när de är granskade.", icon=":material/info:")
    example = st.checkbox("Frågorna är ett exempel", value=bool(raw.get("example")), key=pe.wkey("surveys.example"))
    put(raw, "example", bool(example) or None)
    for i, survey in enumerate(raw.get("surveys") or []):
        path = f"surveys.surveys.{i}"
        with st.expander(md(survey.get("name") or survey.get("key")), expanded=i == 0):
            put(survey, "name", text_field(draft, "Namn", survey.get("name"), f"{path}.name"))
            survey["questions"] = table(draft, f"{path}.questions", survey.get("questions") or [],
                                        ["key", "text", "scale", "free_text"], bools=("free_text",),
                                        lists=("scale",), key_from="text")
            draft.slot(path)
