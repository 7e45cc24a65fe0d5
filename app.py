"""Närvaro: entry point. Validates the process files, migrates the database, logs in, builds the menu per role."""
from pathlib import Path

import streamlit as st

from narvaro import ui
from narvaro.core import db, files, permissions, settings
from narvaro.core.errors import ConfigError
from narvaro.ui import faults, shell
from narvaro.ui.swedish import swedish

shell.leave_pages_folder_mode()  # before anything is drawn: never Streamlit's page list from pages/

files.owner_only_umask()  # the database, its -wal and anything else the app writes: the owner's only

# A local SVG, not a :material: icon: Streamlit fetches those favicons from fonts.gstatic.com on every page
# load, which tells Google who uses the app and fails on a closed municipal network. The SVG goes inline (a data:
# URL), and only on a session's first run: sent at every run, reruns with 20 busy tabs were ~40 % slower (bench
# --load; work in each tab, it seems). Without page_icon, Streamlit keeps the icon it has.
_first_run = "narvaro_icon_sent" not in st.session_state
st.set_page_config(page_title="Närvaro", layout="wide",
                   page_icon=Path(__file__).parent / "narvaro" / "assets" / "icon.svg" if _first_run else None)
st.session_state["narvaro_icon_sent"] = True

try:
    ui.config()
except ConfigError as exc:
    st.error("Närvaro kan inte starta: processfilerna i data/ innehåller fel.\n\n" + str(exc).replace("\n", "\n\n"))
    st.stop()

swedish()  # Swedish for users and screen readers where Streamlit's frontend speaks English (docs/accessibility.md)

signed_in = ui.current_user()
authenticator = fault = None
try:
    if not db.has_users(ui.engine()):
        # First start on an empty database: create the first administrator, or open the demo.
        faults.run(st.navigation([st.Page("pages/kom_igang.py", title="Kom igång", icon=":material/rocket_launch:")],
                                 position="hidden"))
        st.stop()

    from narvaro.ui import login as login_flow  # (imports streamlit-authenticator only when needed)

    user, authenticator = login_flow.authenticate()
except settings.SettingsError as exc:
    st.error(f"Närvaro kan inte starta: {ui.md(str(exc))}")  # names values from data/ and the environment
    st.stop()
except Exception as exc:
    if signed_in is None or not faults.is_database_fault(exc):
        faults.show(exc)
        st.stop()
    user, fault = signed_in, exc  # the database is away: whoever is signed in keeps the menu and the page
if user is None:
    st.stop()

specs = permissions.pages_for(user.role)
pages = [st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=(i == 0))
         for i, spec in enumerate(specs)]
with st.sidebar:
    st.markdown(f"**{ui.md(user.name)}**  \n{permissions.role_label(user.role)}")
    if faults.answer_or(False, ui.is_demo):
        st.warning("Demoläge: alla personer och ärenden är påhittade.", icon=":material/science:")
shell.menu([page for page, spec in zip(pages, specs) if spec.in_menu])
if authenticator is not None:
    login_flow.logout_button(authenticator)
else:
    st.sidebar.button("Logga ut", key="narvaro_logout", icon=":material/logout:", disabled=True,
                      help="Utloggningen loggas i databasen, så den går när databasen svarar igen.")
faults.run(st.navigation(pages, position="hidden"), earlier=fault)
