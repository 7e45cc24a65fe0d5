"""The closing surveys' answers counted for the dashboard: per survey, question and answer, in the database."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, cast, func, type_coerce
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session, select

from narvaro.casework.surveys import ROLE_QUESTION, all_surveys
from narvaro.core.models import SurveyResponse


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


def _ordered(counts: dict[str, int], order: list[str]) -> list[str]:
    """Keys in the configured order; answers no longer in data/ (the scale changed) come last."""
    return [k for k in order if k in counts] + sorted(k for k in counts if k not in order)
