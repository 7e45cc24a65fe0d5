"""Follow the pupil, not only the case (issue 19): the earlier closed case of an återaktualiserat case, shown under
the case header. Its own module, so the case page's tabs need only a one-line hook."""
from __future__ import annotations

import streamlit as st

from narvaro import ui
from narvaro.casework import intake
from narvaro.core.models import Case


def header(session, case: Case) -> None:
    earlier = intake.earlier_case(session, case)
    if earlier is not None:
        st.info(f"**Återaktualiserat ärende.** Eleven har ett tidigare avslutat ärende: {ui.md(earlier.text())}.",
                icon=":material/history:")
