"""Import och export (admin, teamledare): earlier cases in from CSV/Excel (all or nothing), all cases out."""
import pandas as pd
import streamlit as st

from narvaro import ui
from narvaro.dataio import exporter, import_format, importer

user = ui.guard("import_export")
st.title("Import och export")

tab_in, tab_out = st.tabs(["Importera ärenden", "Exportera ärenden"])

with tab_in:
    st.markdown(
        "Läs in tidigare ärenden från en CSV-fil (semikolon eller komma, UTF-8) eller en Excelfil (.xlsx) med "
        "en rubrikrad. Kolumnerna kan stå i valfri ordning: " + ", ".join(f"**{c}**" for c in import_format.REQUIRED)
        + " måste vara ifyllda; " + ", ".join(c for c in import_format.COLUMNS if c not in import_format.REQUIRED)
        + " får vara tomma. Datum skrivs ÅÅÅÅ-MM-DD.")
    st.caption("Importen är allt eller inget: filen kontrolleras först, och finns ett enda fel importeras ingenting. "
               "Ärenden vars ärendenummer redan finns hoppas över, så samma fil kan läsas in igen utan dubbletter.")
    done = st.session_state.pop("imp_done", None)
    if done:
        st.success(done, icon=":material/check_circle:")
    limit_mb = st.get_option("server.maxUploadSize")
    uploaded = st.file_uploader("Fil med ärenden", type=["csv", "xlsx"], key="imp_file",
                                help=f"Filen får vara högst {limit_mb} MB (50 000 ärenden är ungefär 8 MB). "
                                     "Dela en större fil i flera och läs in dem en i taget.")
    if uploaded is not None:
        data = uploaded.getvalue()
        with ui.session() as s:
            report = importer.import_file(s, data, uploaded.name, user.username, dry_run=True)
        if not report.ok:
            st.error(report.summary(), icon=":material/error:")
            st.dataframe(pd.DataFrame([{"Rad": p.line, "Kolumn": p.column, "Fel": p.message}
                                       for p in report.problems]), hide_index=True, width="stretch",
                         key="imp_problems")
        else:
            c1, c2, c3 = st.columns(3)
            c1.metric("Rader i filen", report.rows)
            c2.metric("Nya ärenden", report.new)
            c3.metric("Fanns redan", report.existing)
        for warning in report.warnings:
            st.warning(warning, icon=":material/warning:")
        if report.ok and report.new_schools:
            st.markdown("**Nya skolor som skapas:** " + ", ".join(report.new_schools))
        if report.ok and report.new_coordinators:
            st.markdown("**Nya koordinatorer som skapas (utan inloggning):** " + ", ".join(report.new_coordinators))
        if report.ok and report.new:
            if st.button(f"Importera {report.new} ärenden", type="primary", key="imp_go"):
                bar = st.progress(0.0, text="Skriver …")

                def progress(done: int, total: int) -> None:
                    bar.progress(done / total, text=f"{ui.fmt_number(done)} av {ui.fmt_number(total)} rader skrivna")

                with ui.session() as s:
                    result = importer.import_file(s, data, uploaded.name, user.username, progress=progress)
                st.session_state["imp_done"] = " ".join(result.lines())
                st.rerun()
        elif report.ok:
            st.info("Alla ärenden i filen finns redan; det finns inget nytt att importera.")

with tab_out:
    st.markdown("Alla ärenden i importformatet, så att exporten kan läsas in i en annan Närvaro-databas. "
                "Exporten innehåller personuppgifter och loggas i granskningsloggen.")
    fmt = st.radio("Format", exporter.FORMATS, format_func={"xlsx": "Excel (.xlsx)", "csv": "CSV (semikolon)"}.get,
                   horizontal=True, key="exp_fmt")
    with_notes = st.checkbox("Ta med tjänsteanteckningar och möten", key="exp_notes",
                             help="Excel: extra blad. CSV: en zip-fil med tre CSV-filer.")
    name, mime = exporter.download_name(fmt, with_notes)


    def _content() -> bytes:
        with ui.session() as s:
            return exporter.export_bytes(s, fmt, with_notes)[0]


    @ui.callback  # a failure is told calmly on the next run
    def _record() -> None:
        with ui.session() as s:
            exporter.record_export(s, user.username, fmt, with_notes, "nedladdning")


    st.download_button("Ladda ner export", data=_content, file_name=name, mime=mime, key="exp_download",
                       on_click=_record, icon=":material/download:")
