"""The case board and its list view as one custom component (components v2: inline HTML, CSS and JS in the page,
no iframe, no build step, no other host).

Streamlit's own elements drew each card as a bordered container with a page link and Markdown: hundreds of
elements, and at 1366 px the case numbers were clipped. Here the page sends the cards as data, and the script
builds plain DOM with textContent (stored text is never HTML). Every card is a link (`<a href>`, reached with Tab,
named by its text); a click or Enter sends the case number back as a trigger value and the page opens the case
with st.switch_page, in the same session. Columns keep their width and the board scrolls sideways. The list view
is a table with sort buttons in its headers (aria-sort tells which column sorts it).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from narvaro.casework import board
from narvaro.casework.board import QUEUE
from narvaro.core.text import fmt_date

OPEN_KEY = "bd_open_case"  # the case number a card sent; the page switches to the case before any query

_CSS = """
.nv-board { display: flex; gap: .75rem; overflow-x: auto; padding-bottom: .5rem; align-items: flex-start; }
.nv-col { flex: 0 0 14rem; background: #f3f4f7; border-radius: .5rem; padding: .5rem; }
.nv-col h2 { font-size: 1rem; margin: 0 0 .5rem 0; padding: 0; line-height: 1.3; }
.nv-col ol { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: .4rem; }
.nv-sub { font-size: .85rem; font-weight: 600; margin: .6rem 0 .3rem 0; }
.nv-card { display: block; background: #fff; border: 1px solid #c4c7cf; border-radius: .4rem; padding: .4rem .5rem;
  color: #0e1117; text-decoration: none; font-size: .85rem; line-height: 1.35; }
.nv-card:hover { border-color: #0072b2; }
.nv-card:focus-visible { outline: 3px solid #0072b2; outline-offset: 1px; }
.nv-num { font-weight: 700; white-space: nowrap; color: #005a8c; }
.nv-line { display: block; overflow-wrap: normal; word-break: normal; hyphens: none; }
.nv-warn { display: block; color: #8a3b00; font-weight: 600; }
.nv-note { font-size: .8rem; color: #454b57; margin: .4rem 0 0 0; }
.nv-list-wrap { overflow-x: auto; }
.nv-list { border-collapse: collapse; width: 100%; font-size: .875rem; }
.nv-list th, .nv-list td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #d5d8de;
  vertical-align: top; }
.nv-list td:first-child { white-space: nowrap; }
.nv-list th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0; cursor: pointer;
  color: #0e1117; }
.nv-list th button:focus-visible { outline: 3px solid #0072b2; }
.nv-list a { color: #005a8c; font-weight: 700; }
.nv-list a:focus-visible { outline: 3px solid #0072b2; }
"""

_JS = """
export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let root = parentElement.querySelector(".nv-root");
  if (!root) { root = document.createElement("div"); root.className = "nv-root"; parentElement.appendChild(root); }
  root.replaceChildren();
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  };
  const open = (a, number) => {
    a.href = "arende?arende=" + encodeURIComponent(number);
    a.addEventListener("click", (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button === 1) return;  // a new tab is the user's choice
      ev.preventDefault();
      setTriggerValue("open", number);
    });
  };
  if (data.view === "list") {
    const wrap = el("div", "nv-list-wrap");
    const table = el("table", "nv-list");
    table.appendChild(el("caption", "nv-note", data.caption));
    const head = el("tr");
    let sortBy = 0, asc = true;
    const body = el("tbody");
    const draw = () => {
      const rows = [...data.rows].sort((a, b) => {
        const x = a.sort[sortBy], y = b.sort[sortBy];
        const c = (x === null) - (y === null) || (x < y ? -1 : x > y ? 1 : 0);
        return asc ? c : -c;
      });
      body.replaceChildren();
      for (const r of rows) {
        const tr = el("tr");
        r.cells.forEach((text, i) => {
          const td = el("td");
          if (i === 0) { const a = el("a", null, text); open(a, r.number); td.appendChild(a); }
          else td.textContent = text;
          tr.appendChild(td);
        });
        body.appendChild(tr);
      }
      [...head.children].forEach((th, i) => th.setAttribute("aria-sort",
        i === sortBy ? (asc ? "ascending" : "descending") : "none"));
    };
    data.headers.forEach((h, i) => {
      const th = el("th"); th.scope = "col";
      const b = el("button", null, h); b.type = "button";
      b.addEventListener("click", () => { if (sortBy === i) asc = !asc; else { sortBy = i; asc = true; } draw(); });
      th.appendChild(b); head.appendChild(th);
    });
    const thead = el("thead"); thead.appendChild(head);
    table.appendChild(thead); table.appendChild(body);
    wrap.appendChild(table); root.appendChild(wrap);
    draw();
    return;
  }
  const boardEl = el("div", "nv-board");
  boardEl.setAttribute("role", "region");
  boardEl.setAttribute("aria-label", "Ärendetavlan");
  boardEl.tabIndex = -1;
  for (const col of data.columns) {
    const section = el("section", "nv-col");
    const id = "nv-col-" + col.key;
    const h = el("h2", null, col.title + " (" + col.total + ")"); h.id = id;
    section.setAttribute("aria-labelledby", id);
    section.appendChild(h);
    for (const group of col.groups) {
      if (group.title) section.appendChild(el("p", "nv-sub", group.title));
      const list = el("ol");
      for (const card of group.cards) {
        const li = el("li");
        const a = el("a", "nv-card");
        open(a, card.number);
        a.appendChild(el("span", "nv-num nv-line", card.number));
        for (const line of card.lines) a.appendChild(el("span", "nv-line", line));
        for (const w of card.warnings) {
          const s = el("span", "nv-warn");
          const icon = el("span", null, "⚠ "); icon.setAttribute("aria-hidden", "true");
          s.appendChild(icon); s.appendChild(document.createTextNode("Varning: " + w));
          a.appendChild(s);
        }
        li.appendChild(a); list.appendChild(li);
      }
      if (group.cards.length) section.appendChild(list);
    }
    for (const note of col.notes) section.appendChild(el("p", "nv-note", note));
    boardEl.appendChild(section);
  }
  root.appendChild(boardEl);
}
"""

_component = st.components.v2.component("narvaro_board", css=_CSS, js=_JS, isolate_styles=True)


def _card(card: board.Card, col_key: str, place: int | None, labels: dict[str, str],
          step_names: dict[str, str]) -> dict[str, Any]:
    lines = [f"{card.pupil_code} · {card.school or card.school_form}"]
    if col_key == QUEUE:
        lines.append(f"Plats {place} i kön · väntat {card.days_since_received} dagar")
        if card.needs_completion:
            lines.append(f"Saknas: {card.missing_prerequisites or '–'}")
    else:
        lines.append(f"Koordinator: {', '.join(card.coordinators) or '–'}")
        if card.current_step and col_key not in step_names:
            lines.append(f"Steg: {step_names.get(card.current_step, card.current_step)}")
        if card.days_in_step is not None:
            lines.append(f"{card.days_in_step} dagar i steget")
        if card.closed_on is not None:
            lines.append(f"Avslutat {fmt_date(card.closed_on)}")
        elif card.next_meeting_on:
            lines.append(f"Nästa möte: {fmt_date(card.next_meeting_on)}")
    return {"number": card.number, "lines": lines, "warnings": [labels[w] for w in card.warnings]}


def payload(shown: board.Board, labels: dict[str, str], step_names: dict[str, str]) -> dict[str, Any]:
    """The board as plain data for the component (every text is shown with textContent, never as HTML)."""
    columns = []
    for column in shown.columns:
        if column.key == QUEUE:
            # Places count every queued case in turn order; the incomplete ones are shown apart, after the others.
            placed = list(enumerate(column.cards, start=1))
            groups = [{"title": "", "cards": [_card(c, column.key, i, labels, step_names)
                                              for i, c in placed if not c.needs_completion]},
                      {"title": "Komplettering behövs", "cards": [_card(c, column.key, i, labels, step_names)
                                                                  for i, c in placed if c.needs_completion]}]
            groups = [g for g in groups if g["cards"] or not g["title"]]
        else:
            groups = [{"title": "", "cards": [_card(c, column.key, None, labels, step_names) for c in column.cards]}]
        notes = []
        if column.more:
            notes.append(f"{column.more} fler – använd filtren för att se dem.")
        elif not column.cards and not column.hidden:
            notes.append("Inga ärenden.")
        if column.hidden:
            notes.append(f"{column.hidden} andra ärenden (inte dina).")
        columns.append({"key": column.key, "title": column.title, "total": column.total, "groups": groups,
                        "notes": notes})
    return {"view": "board", "columns": columns}


LIST_HEADERS = ["Ärende", "Elevkod", "Skola", "Koordinator", "Läge", "Dagar i steget", "Nästa möte", "Varningar"]


def list_payload(shown: board.Board, labels: dict[str, str], step_names: dict[str, str]) -> dict[str, Any]:
    """The same cases as a sortable table (one row per card on the board)."""
    rows = []
    for column in shown.columns:
        for card in column.cards:
            where = step_names.get(card.current_step or "", column.title) if column.key not in (QUEUE,) else "Kö"
            if column.key in ("avslutad",):
                where = "Avslutad"
            warnings = [labels[w] for w in card.warnings]
            meeting: dt.date | None = card.next_meeting_on
            rows.append({
                "number": card.number,
                "cells": [card.number, card.pupil_code, card.school or card.school_form,
                          ", ".join(card.coordinators) or "–", where,
                          "–" if card.days_in_step is None else str(card.days_in_step),
                          fmt_date(meeting) if meeting else "–", "; ".join(warnings) or "–"],
                "sort": [card.number, card.pupil_code.lower(), (card.school or "").lower(),
                         ", ".join(card.coordinators).lower(), where.lower(), card.days_in_step,
                         meeting.isoformat() if meeting else None, len(warnings)],
            })
    caption = f"{len(rows)} ärenden. Sortera med knapparna i kolumnrubrikerna."
    return {"view": "list", "headers": LIST_HEADERS, "rows": rows, "caption": caption}


def _remember_open() -> None:
    result = st.session_state.get("bd_component")
    number = result.get("open") if isinstance(result, dict) else getattr(result, "open", None)
    if isinstance(number, str) and number:
        st.session_state[OPEN_KEY] = number


def draw(data: dict[str, Any]) -> None:
    """Mount the board (or list); a card's case number comes back through `_remember_open` (before the next run)."""
    _component(data=data, key="bd_component", on_open_change=_remember_open)
