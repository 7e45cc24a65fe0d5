"""Closing surveys (enkäter, seed 003 steg 4): the forms, when each was sent, the answers entered back on the case.

The questions live in data/surveys.yaml and are an example for the team to replace (no seed has survey questions;
003:374 asks for them to be reviewed). The counts are in narvaro.reporting.surveys. A form comes as printable HTML and
as plain text without links, to paste into the municipality's survey tool. The evaluation found that nobody knew who
at a school had answered, and that rectors did not know the survey had been answered (003:315), so every response
records the respondent's role, and the school's records when the rector saw it. Recording when a survey was sent
lets the response rate be counted.
"""
from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

from sqlmodel import Session, col, select

from narvaro.casework import cases
from narvaro.core import audit, clock
from narvaro.core.config import Survey, get_config
from narvaro.core.errors import FieldError
from narvaro.core.models import SurveyResponse, SurveySending

FREE_TEXT_MAX = 2000
ROLE_QUESTION = "Svarandens roll"


def all_surveys() -> list[Survey]:
    return list(get_config().surveys.surveys)


def get_survey(key: str) -> Survey:
    survey = next((s for s in all_surveys() if s.key == key), None)
    if survey is None:
        raise FieldError("survey_key", "Enkäten finns inte.")
    return survey


# --- the forms -----------------------------------------------------------------------------------

def form_text(survey: Survey) -> str:
    """The survey as plain text without links or case data, to paste into the municipality's survey tool."""
    lines = [survey.name, "", f"{ROLE_QUESTION} (välj ett): {' / '.join(survey.respondent_roles)}", ""]
    for i, q in enumerate(survey.questions, start=1):
        lines.append(f"{i}. {q.text}")
        if q.scale:
            lines.append(f"   Svarsalternativ (välj ett): {' / '.join(q.scale)}")
        else:
            lines.append("   Fritt svar.")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def form_html(survey: Survey, case_number: str | None = None) -> str:
    """A printable form; the case number (not the pupil) lets the answers be entered back on the right case."""
    e = html.escape
    parts = [
        "<!DOCTYPE html>", '<html lang="sv"><head><meta charset="utf-8">', f"<title>{e(survey.name)}</title>",
        "<style>body{font-family:sans-serif;max-width:42rem;margin:2rem auto;line-height:1.5}"
        "fieldset{border:1px solid #000;margin:1rem 0;padding:.5rem 1rem}legend{font-weight:bold}"
        ".box{display:inline-block;margin-right:1.5rem}.lines{border-bottom:1px solid #000;height:2rem}"
        "@media print{body{margin:0}}</style></head><body>",
        f"<h1>{e(survey.name)}</h1>",
    ]
    if case_number:
        parts.append(f"<p>Ärende: {e(case_number)}</p>")
    parts.append("<p>Datum: ____________________</p>")
    parts.append(f"<fieldset><legend>{e(ROLE_QUESTION)}</legend>")
    parts += [f'<span class="box">&#9744; {e(r)}</span>' for r in survey.respondent_roles]
    parts.append("</fieldset>")
    for i, q in enumerate(survey.questions, start=1):
        parts.append(f"<fieldset><legend>{i}. {e(q.text)}</legend>")
        if q.scale:
            parts += [f'<span class="box">&#9744; {e(option)}</span>' for option in q.scale]
        else:
            parts += ['<div class="lines"></div>'] * 4
        parts.append("</fieldset>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def file_name(survey: Survey, case_number: str | None, ext: str) -> str:
    return f"enkat_{survey.key}{'_' + case_number if case_number else ''}.{ext}"


# --- answers -------------------------------------------------------------------------------------

def is_example() -> bool:
    """The shipped questions are an example the team is to replace (surveys.yaml, example: true)."""
    return get_config().surveys.example


def record_sending(session: Session, case_id: int, expected_version: int, *, survey_key: str,
                   sent_on: dt.date | None, by: str) -> SurveySending:
    """The survey was sent for this case (allowed after closing: surveys go out when the case ends)."""
    survey = get_survey(survey_key)
    if sent_on is None:
        raise FieldError("sent_on", "Ange när enkäten skickades.")
    if sent_on > clock.today():
        raise FieldError("sent_on", "Datumet kan inte ligga i framtiden.")
    case = cases.claim(session, case_id, expected_version, by, allow_closed=True)
    if sent_on < case.received_on:
        raise FieldError("sent_on", "Datumet kan inte vara före att ärendet kom in.")
    row = SurveySending(case_id=case_id, survey_key=survey.key, sent_on=sent_on, sent_by=by)
    session.add(row)
    session.flush()
    cases.add_event(session, case_id, "enkät", f"{survey.name} skickad.", by, sent_on)
    audit.record(session, by, audit.CHANGE, case_id, f"enkät skickad {survey.key}")
    return row


def sendings(session: Session, case_id: int) -> list[SurveySending]:
    return list(session.exec(select(SurveySending).where(SurveySending.case_id == case_id)
                             .order_by(col(SurveySending.sent_on), col(SurveySending.id))).all())


def _seen_on(survey: Survey, seen_on: dt.date | None, answered_on: dt.date) -> dt.date | None:
    if seen_on is None:
        return None
    if not survey.rector_sees:
        raise FieldError("rector_seen_on", "Den här enkäten frågar inte om rektor tagit del av svaren.")
    if seen_on > clock.today():
        raise FieldError("rector_seen_on", "Datumet kan inte ligga i framtiden.")
    if seen_on < answered_on:
        raise FieldError("rector_seen_on", "Rektor kan inte ha tagit del av svaren före svarsdatumet.")
    return seen_on


def mark_rector_seen(session: Session, case_id: int, expected_version: int, response_id: int, *,
                     seen_on: dt.date | None, by: str) -> SurveyResponse:
    """The rector has seen the school's answers (003:315: rectors did not know the survey had been answered)."""
    response = session.get(SurveyResponse, response_id)
    if response is None or response.case_id != case_id:
        raise FieldError("rector_seen_on", "Svaret finns inte på ärendet.")
    if seen_on is None:
        raise FieldError("rector_seen_on", "Ange när rektor tog del av svaren.")
    seen = _seen_on(get_survey(response.survey_key), seen_on, response.answered_on)
    cases.claim(session, case_id, expected_version, by, allow_closed=True)
    response.rector_seen_on = seen
    session.add(response)
    cases.add_event(session, case_id, "enkät", "Rektor har tagit del av skolans enkätsvar.", by, seen)
    audit.record(session, by, audit.CHANGE, case_id, f"enkätsvar {response.id}: rektor har tagit del")
    return response


def record_response(session: Session, case_id: int, expected_version: int, *, survey_key: str,
                    respondent_role: str | None, answered_on: dt.date | None, answers: dict[str, Any],
                    by: str, rector_seen_on: dt.date | None = None) -> SurveyResponse:
    """Enter a filled-in survey on the case. Allowed on a closed case: answers arrive after closing."""
    survey = get_survey(survey_key)
    if respondent_role not in survey.respondent_roles:
        raise FieldError("respondent_role", f"Välj vem som svarat ({', '.join(survey.respondent_roles)}).")
    if answered_on is None:
        raise FieldError("answered_on", "Ange när enkäten besvarades.")
    if answered_on > clock.today():
        raise FieldError("answered_on", "Svarsdatumet kan inte ligga i framtiden.")
    known = {q.key: q for q in survey.questions}
    unknown = [k for k in answers if k not in known]
    if unknown:
        raise FieldError(unknown[0], f"Frågan {unknown[0]} finns inte i enkäten.")
    clean: dict[str, str] = {}
    for q in survey.questions:
        value = answers.get(q.key)
        value = value.strip() if isinstance(value, str) else value
        if value in (None, ""):
            continue
        if q.scale:
            if value not in q.scale:
                raise FieldError(q.key, f"Välj ett av svarsalternativen ({', '.join(q.scale)}).")
        elif len(str(value)) > FREE_TEXT_MAX:
            raise FieldError(q.key, f"Svaret får vara högst {FREE_TEXT_MAX} tecken.")
        clean[q.key] = str(value)
    if not clean:
        raise FieldError(survey.questions[0].key, "Fyll i minst ett svar.")
    seen = _seen_on(survey, rector_seen_on, answered_on)
    cases.claim(session, case_id, expected_version, by, allow_closed=True)
    response = SurveyResponse(case_id=case_id, survey_key=survey.key, respondent_role=respondent_role,
                              answered_on=answered_on, answers_json=json.dumps(clean, ensure_ascii=False, sort_keys=True),
                              rector_seen_on=seen, entered_by=by)
    session.add(response)
    session.flush()
    cases.add_event(session, case_id, "enkät", f"Svar på {survey.name.lower()} inlagt ({respondent_role}).", by,
                    answered_on)
    audit.record(session, by, audit.CHANGE, case_id, f"enkätsvar {survey.key}")
    return response


def responses(session: Session, case_id: int) -> list[SurveyResponse]:
    return list(session.exec(select(SurveyResponse).where(SurveyResponse.case_id == case_id)
                             .order_by(col(SurveyResponse.answered_on), col(SurveyResponse.id))).all())


def answers_of(response: SurveyResponse) -> dict[str, str]:
    return json.loads(response.answers_json)
