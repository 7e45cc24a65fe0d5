"""Text is data: what people typed, or what came in a URL, is shown as text and never becomes Markdown.

st.markdown, st.write, st.caption, st.info/warning/error/success and st.table cells render Markdown: a typed
![](https://…) would be an image every browser that shows the case fetches, telling an outside server when the
case was opened. Every such text goes through `md()` (or is shown with st.text or in a dataframe).
"""
from __future__ import annotations

import re

# Markdown and GFM syntax, Streamlit's own :directives: and :material/icons:, LaTeX ($), and what starts an autolink.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$&])")


def md(text: object) -> str:
    """`text` escaped so that Markdown shows it literally (None becomes "")."""
    if text is None:
        return ""
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")
