"""Min dag: the start page, one view per role (the queries are in narvaro.casework.my_day)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from narvaro.casework import board, my_day
from narvaro.core import clock, permissions
from narvaro.core.permissions import ADMIN, COORDINATOR, READER, REGISTRATOR, TEAM_LEADER, CurrentUser
from narvaro.core.text import fmt_date
from narvaro.ui import cache
from narvaro.ui.safe import md
from narvaro.ui.state import config, session
from narvaro.ui.widgets import case_link, page_link

WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]


def _when(day, today) -> str:
    diff = (day - today).days
    if diff == 0:
        return "i dag"
    if diff == 1:
        return "i morgon"
    if diff < 0:
        return f"{-diff} dagar sedan"
    return f"om {diff} dagar"


def _cases_word(n: int) -> str:
    return f"{n} ärende" if n == 1 else f"{n} ärenden"


def coordinator(user: CurrentUser) -> None:
    today = clock.today()
    with session() as s:
        day = my_day.coordinator_day(s, user.id, today, config())
    overdue = sum(1 for c in day.cases if c.next and c.next.overdue(today))
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Mina pågående ärenden", len(day.cases))
    c2.metric("Något är försenat", overdue)
    c3.metric("Möten denna vecka", len(day.meetings))
    c4.metric("Uppgifter att göra", len(day.tasks))

    st.subheader("Mina ärenden, mest brådskande först")
    if not day.cases:
        st.caption("Du har inga pågående ärenden.")
    for item in day.cases:
        with st.container(border=True, key=f"md_case_{item.id}"):
            left, right = st.columns([2, 5], vertical_alignment="center")
            with left:
                case_link(item.number)
            nxt = item.next
            line = f"**{md(item.pupil_code)}** · {md(item.step)}"
            if nxt:
                late = nxt.overdue(today)
                mark = "Försenat: " if late else "Nästa: "
                line += f" · {mark}{md(nxt.what)} {fmt_date(nxt.on)} ({_when(nxt.on, today)})"
            right.markdown(line)
            later = sorted((d for d in item.dues if d is not nxt), key=lambda d: d.on)[:3]
            if later:
                right.caption("Sedan: " + " · ".join(f"{md(d.what)} {fmt_date(d.on)}" for d in later))

    left, right = st.columns(2)
    with left:
        monday, sunday = day.week
        st.subheader(f"Möten denna vecka ({fmt_date(monday)}–{fmt_date(sunday)})")
        if not day.meetings:
            st.caption("Inga bokade möten denna vecka.")
        for on, number, code in day.meetings:
            st.markdown(f"{WEEKDAYS[on.weekday()].capitalize()} {fmt_date(on)} · {md(number)} · {md(code)}")
    with right:
        st.subheader("Uppgifter att göra")
        if not day.tasks:
            st.caption("Inga uppgifter med datum denna vecka.")
        for due, number, text in day.tasks:
            late = " (försenad)" if due < today else ""
            st.markdown(f"{fmt_date(due)}{late} · {md(number)} · {md(text)}")


def team_leader(user: CurrentUser) -> None:
    today = clock.today()
    cfg = config()
    with session() as s:
        day = my_day.leader_day(s, today, cfg)
    labels = board.warning_labels(cfg)
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("I kö", day.queued)
    c2.metric("Längsta väntan", f"{day.longest_wait} dagar" if day.longest_wait is not None else "–")
    c3.metric("Komplettering behövs", len(day.incomplete))
    c4.metric("Varningar", sum(day.warnings.values()))
    page_link("pages/arendetavla.py", "Fördela ur kön på ärendetavlan", ":material/assignment_ind:")

    left, right = st.columns(2)
    with left:
        st.subheader("Varningar i teamet")
        hits = [(labels[k], n) for k, n in day.warnings.items() if n]
        if not hits:
            st.caption("Inga varningar.")
        for label, n in hits:
            st.markdown(f"{md(label)}: **{n}**")
        st.subheader("Komplettering behövs")
        if not day.incomplete:
            st.caption("Inga ofullständiga ärenden i kön.")
        for card in day.incomplete:
            case_link(card.number)
            st.caption(f"Väntat {card.days_since_received} dagar · saknas: {md(card.missing_prerequisites or '–')}")
    with right:
        st.subheader("Ärenden per koordinator")
        guideline = cfg.process.rules.caseload_guideline
        st.dataframe(pd.DataFrame([{
            "Koordinator": ld.name, "Pågående ärenden": ld.open_cases, "Riktvärde": guideline,
            "Över riktvärdet": "ja" if ld.open_cases > guideline else "nej",
        } for ld in day.loads]), hide_index=True, key="md_loads")


def registrator(user: CurrentUser) -> None:
    with session() as s:
        rows = my_day.registrations(s, user.username)
    waiting = [r for r in rows if r.status == my_day.NEEDS_COMPLETION]
    c1, c2 = st.columns(2)
    c1.metric("Mina registreringar", len(rows))
    c2.metric("Komplettering behövs", len(waiting))
    page_link("pages/inkommande.py", "Registrera ett inkommande ärende", ":material/note_add:")
    if waiting:
        st.subheader("Komplettering behövs")
        for r in waiting:
            st.markdown(f"**{md(r.number)}** · inkom {fmt_date(r.received_on)} · saknas: {md(r.missing or '–')}")
    st.subheader("Mina registreringar")
    st.caption("Nyast först. Du ser bara ärendenummer, datum och status, inte vad som händer i ärendet.")
    if not rows:
        st.caption("Du har inte registrerat några ärenden ännu.")
        return
    st.dataframe(pd.DataFrame([{"Ärende": r.number, "Inkom": r.received_on, "Registrerat": r.registered_on,
                                "Status": r.status} for r in rows]),
                 hide_index=True, key="md_registrations",
                 column_config={"Inkom": st.column_config.DateColumn(format="YYYY-MM-DD"),
                                "Registrerat": st.column_config.DateColumn(format="YYYY-MM-DD")})


def reader(user: CurrentUser) -> None:
    from narvaro.reporting import suppression, tables
    from narvaro.reporting.indicators import Period

    period = Period.year(clock.today().year)
    key = cache.report_key(period, tables.default_years(period), user.role)
    overview = cache.overview(key)
    st.subheader(f"Nyckeltal {period.label}")
    cols = st.columns(len(overview.headline) or 1)
    for col, (label, value) in zip(cols, overview.headline):
        col.metric(label, "–" if value is None else str(value))
    if permissions.sees_only_aggregates(user.role):
        st.caption(suppression.notice(config().process.rules.small_number_threshold) + ".")
    page_link("pages/indikatorer.py", "Alla indikatorer", ":material/monitoring:")


def admin(user: CurrentUser) -> None:
    with session() as s:
        day = my_day.admin_day(s, clock.now())
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Aktiva användare", sum(day.users_by_role.values()))
    c2.metric("Låsta konton", day.locked)
    c3.metric("Misslyckade inloggningar (7 dagar)", day.failed_week)
    c4.metric("Senaste säkerhetskopia",
              clock.local(day.last_backup).strftime("%Y-%m-%d %H:%M") if day.last_backup else "okänd")
    if day.last_backup is None:
        st.caption("Ingen säkerhetskopia är registrerad i granskningsloggen (python -m narvaro backup).")
    left, right = st.columns(2)
    with left:
        st.subheader("Användare per roll")
        st.dataframe(pd.DataFrame([{"Roll": permissions.role_label(role), "Aktiva": n}
                                   for role, n in sorted(day.users_by_role.items())]
                                  + [{"Roll": "Inaktiva konton", "Aktiva": day.inactive}]),
                     hide_index=True, key="md_users")
        page_link("pages/anvandare.py", "Användare", ":material/group:")
    with right:
        st.subheader("Senaste misslyckade inloggningar")
        if not day.failed_logins:
            st.caption("Inga misslyckade inloggningar.")
        else:
            st.dataframe(pd.DataFrame([{"När": clock.local(at).strftime("%Y-%m-%d %H:%M"), "Användarnamn": who or "–"}
                                       for at, who in day.failed_logins]), hide_index=True, key="md_failed")
        page_link("pages/granskningslogg.py", "Granskningslogg", ":material/policy:")


VIEWS = {COORDINATOR: coordinator, TEAM_LEADER: team_leader, REGISTRATOR: registrator, READER: reader, ADMIN: admin}


def render(user: CurrentUser) -> None:
    VIEWS[user.role](user)
