"""The frame around every page: the role's menu, and no trace of Streamlit's own page list.

With a `pages/` folder beside app.py, Streamlit's first run in a fresh server process builds its old automatic page
list from the file names ("anvandare", "granskningslogg") and runs a page file found by URL on its own, without
app.py. `client.showSidebarNavigation = false` (.streamlit/config.toml) hides that list; the role's menu is drawn
here with st.page_link, and app.py calls st.navigation with position="hidden". (The document language and
Streamlit's English labels are narvaro.ui.swedish's.)
"""
from __future__ import annotations

from typing import Sequence

import streamlit as st

# The menu's links as a navigation landmark named "Meny" (Streamlit draws page links in plain divs).
_LANDMARK_JS = """
export default function () {
  const fix = () => {
    const menu = document.querySelector(".st-key-narvaro_menu");
    if (menu && menu.getAttribute("role") !== "navigation") {
      menu.setAttribute("role", "navigation");
      menu.setAttribute("aria-label", "Meny");
    }
  };
  fix();
  requestAnimationFrame(fix);
}
"""

# Style-only HTML goes to Streamlit's event container and takes no space; it hides the component's empty box.
_HIDE = "<style>.st-key-narvaro_menu_landmark{display:none}</style>"

_landmark = st.components.v2.component("narvaro_menu_landmark", js=_LANDMARK_JS, isolate_styles=False)


def leave_pages_folder_mode() -> None:
    """Leave Streamlit's old `pages/` folder mode before anything is drawn.

    Streamlit decides once per server process, before the first script runs, whether the app is an old-style
    `pages/` folder app; st.navigation clears that flag, but only after the first run has gone through the folder's
    page list (a run that stops at the login form never clears it, so every session did). That run also gives
    widgets other ids than later runs (the page hash is part of a widget's id), so a login typed in it was lost.
    So: clear the flag and run again as app.py, before a widget exists. Also called by the page guard: on a sub-URL
    the folder mode runs the page file alone, without app.py.

    AppTest sets the flag again before each of its runs, so under AppTest every run would be such a "first run"
    and a rerun would drop the click that started it; there the flag is left alone (all runs are alike).
    """
    from streamlit.runtime import Runtime
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and type(Runtime._instance) is Runtime:
        PagesManager.uses_pages_directory = False
        st.rerun()


def menu(pages: Sequence[st.Page]) -> None:
    """The role's menu in the sidebar: one link per page, in menu order."""
    with st.sidebar.container(key="narvaro_menu"):
        for page in pages:
            st.page_link(page)
    with st.sidebar:
        st.html(_HIDE)
        _landmark(key="narvaro_menu_landmark", height=0)
