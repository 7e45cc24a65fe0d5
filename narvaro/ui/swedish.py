"""Swedish for users and screen readers where Streamlit's own frontend speaks English (issue 15 item 7).

Streamlit has no setting for its interface language. This inline component (components v2: no iframe, no build
step, no other host) sets the document language, gives Streamlit's English labels a Swedish name, hides the English
"Press Enter to submit form" hint, and hides icon ligatures (e.g. "folder_open") from screen readers. What cannot be
reached this way is listed in docs/accessibility.md.
"""
from __future__ import annotations

import streamlit as st

# English label in Streamlit's frontend (aria-label, title or text) -> Swedish.
LABELS = {
    "Link to heading": "Länk till rubriken",
    "Clear all": "Rensa alla",
    "Clear value": "Rensa",
    "Show/hide columns": "Visa eller dölj kolumner",
    "Download as CSV": "Ladda ner som CSV",
    "Fullscreen": "Helskärm",
    "Close fullscreen": "Stäng helskärm",
    "Search": "Sök",
    "Open sidebar": "Öppna sidomenyn",
    "Close sidebar": "Stäng sidomenyn",
    "Collapse sidebar": "Fäll ihop sidomenyn",
    "Expand sidebar": "Fäll ut sidomenyn",
    "Show password text": "Visa lösenordet",
    "Hide password text": "Dölj lösenordet",
    "Increment value": "Öka värdet",
    "Decrement value": "Minska värdet",
    "Close": "Stäng",
    "Main menu": "Huvudmeny",
    "Open": "Öppna",
    "Choose an option": "Välj",
    "No results": "Inga träffar",
    "Select all": "Välj alla",
    "Sidebar": "Sidomeny",
    "Selected values": "Valda värden",
    "App pages": "Sidor",
    "Skip to main content": "Hoppa till innehållet",
}
# Labels that start with an English word and go on with the app's own text ("Remove BUP").
PREFIXES = {"Remove ": "Ta bort "}

# Injected by the script (an inline css= string that starts with "[" is taken for a file glob by Streamlit).
_CSS = '[data-testid="InputInstructions"] { display: none !important; }'

_JS = """
export default function(component) {
  const labels = (component.data || {}).labels || {};
  const prefixes = (component.data || {}).prefixes || {};
  if (window.__narvaroSwedish) { window.__narvaroSwedish(); return; }
  const fix = () => {
    document.documentElement.lang = 'sv';
    document.querySelectorAll('[data-testid="stIconMaterial"], .material-symbols-rounded, [data-testid="stIconEmoji"]')
      .forEach((el) => { if (el.getAttribute('aria-hidden') !== 'true') el.setAttribute('aria-hidden', 'true'); });
    document.querySelectorAll('[data-testid="InputInstructions"]').forEach((el) => el.setAttribute('aria-hidden', 'true'));
    document.querySelectorAll('[aria-label], [title]').forEach((el) => {
      for (const attr of ['aria-label', 'title']) {
        const v = el.getAttribute(attr);
        if (!v) continue;
        if (labels[v]) { el.setAttribute(attr, labels[v]); continue; }
        for (const [en, sv] of Object.entries(prefixes)) {
          if (v.startsWith(en)) el.setAttribute(attr, sv + v.slice(en.length));
        }
        const plain = !el.matches('a, button, input, select, textarea, [tabindex], [role="button"], [role="link"]');
        if (attr === 'aria-label' && plain && /^[a-z0-9_]+ icon$/.test(v)) {  // an icon's ligature name: not read
          el.removeAttribute('aria-label');
          el.setAttribute('aria-hidden', 'true');
        }
      }
    });
    document.querySelectorAll('[data-testid="stTooltipContent"], [role="tooltip"], [data-testid="stHeaderActionElements"] a, li[role="option"], [data-baseweb="menu"] li, a[href="#stMain"]')
      .forEach((el) => {
        const t = (el.textContent || '').trim();
        if (labels[t] && el.children.length === 0) el.textContent = labels[t];
      });
    document.querySelectorAll('[data-testid="stHeaderActionElements"] a').forEach((a) => {
      if (!a.getAttribute('aria-label')) a.setAttribute('aria-label', labels['Link to heading']);
    });
  };
  const style = document.createElement('style');
  style.textContent = __CSS__;
  document.head.appendChild(style);
  window.__narvaroSwedish = fix;
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; fix(); });
  }).observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label', 'title']});
  fix();
}
"""

_component = st.components.v2.component("narvaro_swedish", js=_JS.replace("__CSS__", repr(_CSS)),
                                        isolate_styles=False)


def swedish() -> None:
    """Mount once per run (in the sidebar, where it takes no room in the page)."""
    with st.sidebar:
        _component(data={"labels": LABELS, "prefixes": PREFIXES}, key="narvaro_swedish")
