"""The process editor's last tabs: the draft previewed and published, and the versions with their diffs and
rollback. Publishing and rolling back are services (narvaro.core.versions); this only draws and calls them."""
from __future__ import annotations

import streamlit as st

from narvaro import ui
from narvaro.core import versions
from narvaro.core.errors import FieldError, FormError, NotFound
from narvaro.core.process_diff import diff
from narvaro.ui import process_editor as pe
from narvaro.ui import process_sections as sections
from narvaro.ui.process_editor import Draft
from narvaro.ui.safe import md

FLASH = "pe_flash"
KIND_LABELS = {versions.SEED: "Grundversion från data/", versions.PUBLISH: "Publicerad i appen",
               versions.ROLLBACK: "Återställning", versions.IMPORT: "Importerad"}


def preview(draft: Draft) -> None:
    """A step's checklist as the case page will show it once the draft is published."""
    steps = draft.raw["process"].get("steps") or []
    if not steps:
        return
    names = [s.get("name") or s.get("key") or "" for s in steps]
    i = st.selectbox("Förhandsvisa steg", range(len(steps)), format_func=lambda n: names[n],
                     index=min(1, len(steps) - 1), key=pe.wkey("preview_step"))
    step = steps[i]
    with st.container(border=True, key="pe_preview"):
        st.markdown(f"**{md(step.get('name'))}**  \n*När:* {md(step.get('when'))}")
        for n, item in enumerate(step.get("items") or []):
            mark = " *(administration)*" if item.get("administration") else ""
            st.checkbox((md(item.get("text")) or "*(punkt utan text)*") + mark, value=False, disabled=True, key=pe.wkey(f"preview_{i}_{n}"))


def publish(draft: Draft, user: ui.CurrentUser, errors: dict[str, str], loose: list[str]) -> None:
    started_from, _ = pe.origin()
    with ui.session() as s:
        newest = versions.newest(s)
    if newest is not None and newest.id != started_from:
        st.warning(f"Version {newest.id} har publicerats sedan du började ändra. Börja om från den för att "
                   "publicera.", icon=":material/warning:")
    if errors:
        st.error(f"Utkastet kan inte publiceras: {len(errors)} fel, som visas vid sina fält.", icon=":material/error:")
        for line in loose:
            st.error(md(line), icon=":material/error:")
    changes = diff(versions.files_of(newest), versions.to_texts(draft.raw)) if newest is not None else []
    st.markdown(f"**Ändringar mot version {started_from}**" if changes else "Inga ändringar ännu.")
    if changes:
        st.text("\n".join(changes))
    reason = st.text_area("Varför ändras arbetsgången? (visas i versionshistoriken och granskningsloggen)",
                          key=pe.wkey("reason"), max_chars=500)
    reason_slot = st.empty()
    if st.button("Publicera ny version", type="primary", disabled=bool(errors) or not changes, key="pe_publish"):
        try:
            with ui.session() as s:
                row = versions.publish_draft(s, draft.raw, user.username, reason, started_from=started_from)
                number, texts = row.id, versions.files_of(row)
        except FormError as exc:
            st.error(md("\n".join(f"{k}: {v}" for k, v in exc.errors.items())), icon=":material/error:")
        except FieldError as exc:
            (reason_slot if exc.field == "reason" else st).error(md(str(exc)), icon=":material/error:")
        else:
            pe.start(number, texts)
            st.session_state[FLASH] = f"Version {number} är publicerad och gäller nu i alla ärenden som pågår."
            st.rerun()


def history(user: ui.CurrentUser) -> None:
    with ui.session() as s:
        rows = versions.history(s)
    for row in rows:
        based = f", återställer version {row.based_on}" if row.based_on else ""
        title = (f"Version {row.id} · {ui.fmt_date(row.created_at)} · {row.created_by} · "
                 f"{KIND_LABELS.get(row.kind, row.kind)}{based}")
        with st.expander(md(title), expanded=row is rows[0]):
            st.markdown(f"**Varför:** {md(row.reason)}")
            st.text(row.diff or "(första versionen)")
    older = [r.id for r in rows[1:]]
    if not older:
        return
    st.subheader("Återställ en tidigare version")
    st.caption("Återställningen blir en ny version med den äldre versionens innehåll; ingen version tas bort.")
    number = st.selectbox("Version", older, key="pe_rollback_to")
    reason = st.text_input("Varför återställs den?", key="pe_rollback_reason", max_chars=500)
    slot = st.empty()
    if st.button("Återställ", key="pe_rollback"):
        try:
            with ui.session() as s:
                row = versions.rollback(s, int(number), user.username, reason)
                new, texts = row.id, versions.files_of(row)
        except (FieldError, NotFound) as exc:
            slot.error(md(str(exc)), icon=":material/error:")
        else:
            pe.start(new, texts)
            st.session_state[FLASH] = f"Version {number} är återställd som version {new}."
            st.rerun()


def begin() -> None:
    """A new draft from the newest version."""
    with ui.session() as s:
        row = versions.newest(s)
        number, texts = row.id, versions.files_of(row)
    pe.start(number, texts)


TABS = ("Steg och checklistor", "Uppföljningsmöte", "Avslut och listor", "Exempellista", "Enkäter",
        "Förhandsvisa och publicera", "Versioner")


def render(user: ui.CurrentUser) -> None:
    """The editor: the draft's tabs, its errors at their fields, preview and publish, and the versions."""
    ui.config()  # the newest version, seeded on first start
    if pe.ORIGIN not in st.session_state:
        begin()
    number, raw = pe.origin()
    st.title("Arbetsgång")
    st.caption(f"Du ändrar ett utkast som utgår från version {number}. Ändringarna gäller först när utkastet är "
               "publicerat; då gäller de genast i alla pågående ärenden. Avslutade ärenden behåller sin version.")
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash, icon=":material/check_circle:")
    summary = st.empty()
    if st.button("Börja om från den publicerade versionen", key="pe_restart", icon=":material/restart_alt:"):
        begin()
        st.rerun()
    draft = pe.fresh(raw)
    tabs = st.tabs(list(TABS))
    for tab, section in zip(tabs, (sections.steps, sections.follow_up, sections.lists, sections.interventions,
                                   sections.surveys)):
        with tab:
            section(draft)
    errors = versions.draft_errors(draft.raw)
    loose = pe.show_errors(draft, errors)
    if errors:
        summary.error(f"Utkastet har {len(errors)} fel. Varje fel visas vid sitt fält; utkastet kan inte publiceras "
                      "förrän de är rättade.", icon=":material/error:")
    with tabs[5]:
        preview(draft)
        publish(draft, user, errors, loose)
    with tabs[6]:
        history(user)
