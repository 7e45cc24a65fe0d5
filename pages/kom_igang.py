"""First start on an empty database: create the first administrator, or open the demo."""
import streamlit as st

from narvaro import ui
from narvaro.core import users
from narvaro.core.errors import FieldError, NotAllowed
from narvaro.dataio import demo

st.title("Välkommen till Närvaro")
st.write("Databasen är tom. Skapa den första administratören för att börja, eller öppna en demo med påhittade uppgifter.")

create_tab, demo_tab = st.tabs(["Skapa administratör", "Öppna demo"])

with create_tab:
    errors: dict[str, str] = st.session_state.get("setup_errors", {})
    with st.form("setup_admin"):
        username = st.text_input("Användarnamn", key="setup_username")
        ui.show_field_errors(errors, "username")
        name = st.text_input("Namn", key="setup_name")
        ui.show_field_errors(errors, "name")
        password = st.text_input("Lösenord", type="password", key="setup_password",
                                 help=f"Minst {users.MIN_PASSWORD_LENGTH} tecken, stora och små bokstäver och en siffra.")
        ui.show_field_errors(errors, "password")
        repeat = st.text_input("Upprepa lösenordet", type="password", key="setup_repeat")
        ui.show_field_errors(errors, "repeat")
        submitted = st.form_submit_button("Skapa administratör", type="primary")
    if submitted:
        try:
            with ui.session() as s:
                users.create_first_admin(s, username=username, name=name, password=password, repeat=repeat)
        except FieldError as exc:
            st.session_state["setup_errors"] = exc.errors
        except NotAllowed as exc:
            st.error(str(exc))
            st.stop()
        else:
            st.session_state.pop("setup_errors", None)
            st.session_state[ui.FLASH_KEY] = "Administratören är skapad. Logga in."
        st.rerun()

with demo_tab:
    st.write("Demon fyller databasen med påhittade skolor, användare och ärenden. Lösenorden till demoanvändarna "
             "skapas slumpmässigt och visas **en gång**: skriv upp dem.")
    if st.button("Öppna demo", key="setup_demo"):
        with ui.session() as s:
            passwords = demo.load_demo(s)
        st.session_state[ui.DEMO_PASSWORDS_KEY] = passwords
        st.session_state[ui.FLASH_KEY] = "Demodata är laddade. Logga in med någon av demoanvändarna."
        st.rerun()
