"""The frame around every page: the document's language, the role's menu, and no trace of Streamlit's own page list.

- `<html lang="sv">`: Streamlit's index.html says `lang="en"`, so screen readers read the Swedish text with English
  pronunciation. A tiny custom component (v2: inline JS in the page, no iframe) sets the language, and marks the
  menu as a navigation landmark ("Meny"), whenever the page changes.
- The menu: with a `pages/` folder beside app.py, Streamlit's first run in a fresh server process builds its old
  automatic page list from the file names ("anvandare", "granskningslogg") and runs a page file found by URL on its
  own, without app.py. `client.showSidebarNavigation = false` (.streamlit/config.toml) hides that list, so the
  role's menu is drawn here with st.page_link, and app.py calls st.navigation with position="hidden" on every path.
"""
from __future__ import annotations

from typing import Sequence

import streamlit as st

_LANG_JS = """
export default function () {
  const fix = () => {
    const root = document.documentElement;
    if (root.lang !== "sv") root.lang = "sv";
    const menu = document.querySelector(".st-key-narvaro_menu");
    if (menu && menu.getAttribute("role") !== "navigation") {
      menu.setAttribute("role", "navigation");
      menu.setAttribute("aria-label", "Meny");
    }
  };
  fix();
  if (!window.__narvaroShell) {
    let queued = false;
    window.__narvaroShell = new MutationObserver(() => {
      if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; fix(); }); }
    });
    window.__narvaroShell.observe(document.body, {childList: true, subtree: true});
  }
}
"""

# Style-only HTML goes to Streamlit's event container and takes no space; it hides the component's empty box.
_HIDE = "<style>.st-key-narvaro_lang{display:none}</style>"

_lang = st.components.v2.component("narvaro_lang", js=_LANG_JS, isolate_styles=False)


def swedish_document() -> None:
    """Set `<html lang="sv">` (call once per run, on every path through app.py)."""
    st.html(_HIDE)
    _lang(key="narvaro_lang", height=0)


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
