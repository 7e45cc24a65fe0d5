"""The closing surveys counted for the dashboard, in the database: answers per survey, question and answer, and the
response rate (answered of sent) with whether the rector saw the school's answers."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, cast, func, type_coerce
from sqlalchemy import case as sql_case
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session, select

from narvaro.casework.surveys import ROLE_QUESTION, all_surveys
from narvaro.core.models import SurveyResponse, SurveySending


def _answer(session: Session, key: str):
    """The answer to question `key` read out of answers_json by the database itself."""
    if session.get_bind().dialect.name == "postgresql":
        doc = cast(SurveyResponse.answers_json, JSONB)
    else:
        doc = type_coerce(SurveyResponse.answers_json, JSON)
    return doc[key].as_string()


def summary(session: Session, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    """Answers to the scale questions and respondents' roles, counted per survey, question and answer.

    Responses count by their answer date. Free-text answers are left out: they are read on the case,
    not counted, and may name people. Rows come in the order of data/surveys.yaml.
    """
    in_period = (SurveyResponse.answered_on >= date_from, SurveyResponse.answered_on <= date_to)
    rows: list[dict[str, Any]] = []
    for survey in all_surveys():
        of_survey = (SurveyResponse.survey_key == survey.key, *in_period)
        roles = dict(session.exec(
            select(SurveyResponse.respondent_role, func.count(SurveyResponse.id))
            .where(*of_survey).group_by(SurveyResponse.respondent_role)
        ).all())
        if not roles:
            continue
        for role in _ordered(roles, survey.respondent_roles):
            rows.append({"Enkät": survey.name, "Fråga": ROLE_QUESTION, "Svar": role, "Antal": int(roles[role])})
        for q in survey.questions:
            if not q.scale:
                continue
            # Grouped on a subquery column: PostgreSQL does not match a bound JSON path twice.
            inner = select(_answer(session, q.key).label("answer")).where(*of_survey).subquery()
            counts = dict(session.exec(
                select(inner.c.answer, func.count()).where(inner.c.answer.is_not(None)).group_by(inner.c.answer)
            ).all())
            for answer in _ordered(counts, q.scale):
                rows.append({"Enkät": survey.name, "Fråga": q.text, "Svar": answer, "Antal": int(counts[answer])})
    return rows


def response_rates(session: Session, date_from: dt.date, date_to: dt.date) -> list[dict[str, Any]]:
    """Per survey: cases it was first sent for in the period, how many of them have an answer (at any date), and for
    the school's survey (rector_sees) how many answered cases have an answer the rector has seen (003:315).

    A case counts once per survey however many times the survey was sent or answered. One GROUP BY query.
    """
    first = (select(SurveySending.case_id, SurveySending.survey_key, func.min(SurveySending.sent_on).label("first"))
             .group_by(SurveySending.case_id, SurveySending.survey_key).subquery())
    answer = select(SurveyResponse.id).where(SurveyResponse.case_id == first.c.case_id,
                                             SurveyResponse.survey_key == first.c.survey_key)
    seen = answer.where(SurveyResponse.rector_seen_on.is_not(None))
    counts = {key: (int(n), int(a or 0), int(r or 0)) for key, n, a, r in session.exec(
        select(first.c.survey_key, func.count(),
               func.sum(sql_case((answer.exists(), 1), else_=0)), func.sum(sql_case((seen.exists(), 1), else_=0)))
        .where(first.c.first >= date_from, first.c.first <= date_to).group_by(first.c.survey_key)).all()}
    rows = []
    for survey in all_surveys():
        sent, answered, rector = counts.get(survey.key, (0, 0, 0))
        rows.append({"Enkät": survey.name, "Skickade": sent, "Besvarade": answered,
                     "Svarsfrekvens (%)": round(100 * answered / sent, 2) if sent else None,
                     "Rektor har tagit del": rector if survey.rector_sees else None})
    return rows


def _ordered(counts: dict[str, int], order: list[str]) -> list[str]:
    """Keys in the configured order; answers no longer in data/ (the scale changed) come last."""
    return [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
