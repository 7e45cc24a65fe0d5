"""Issue 16, finding 2: text people typed, or a URL brought, is shown as text on every page, never as Markdown.

The demo data are loaded, every free-text column of every table is then overwritten with payloads (a Markdown
image and link, HTML, a javascript: link), and every page is opened as every role that may use it (the case page
for a case of the coordinator's, and with a payload as ?arende=). Nothing that Streamlit renders as Markdown
(text, captions, alerts, headings, widget and tab labels, options) may hold a payload unescaped: a Markdown image
there is fetched by every browser that shows the page, telling an outside server when a case was opened."""
import json
import re

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from narvaro.core import db, permissions
from narvaro.core.config import get_config
from narvaro.core.models import Assignment, Case, User
from narvaro.dataio import demo
from narvaro.ui.case.common import TAB_PARAM, TABS
from tests.conftest import page_as

IMAGE = "![x](http://evil.example/p.png)"  # 31 characters: fits a pupil code
LONG = IMAGE + " <img src=http://evil.example/h.png> [l](javascript:alert(1)) **fet** :red[röd]"
FREE_TEXT = {
    "schools": ["name"], "users": ["name"], "catalogue_entries": ["name", "description"],
    "cases": ["pupil_code", "requesting_rector", "rector_contact", "school_contact", "school_contact_info",
              "absence_period"],
    "school_activities": ["note"], "case_actors": ["organisation", "contact_person"], "case_events": ["text"],
    "case_interventions": ["name", "performed_by", "plan"], "case_voices": ["text"], "checklist_marks": ["reason"],
    "meeting_bookings": ["place"], "school_transitions": ["note"], "service_notes": ["text"],
    "step_changes": ["open_items_reason"], "effect_ratings": ["comment"], "tasks": ["text", "owner"],
    "meetings": ["participants", "situation", "further_interventions", "decisions", "division_of_responsibility"],
    "audit_log": ["detail"],
}
LENGTHS = {"pupil_code": 40, "name": 120, "owner": 120, "performed_by": 120, "requesting_rector": 120,
           "school_contact": 120, "absence_period": 80}
MARKDOWN_KINDS = ("markdown", "caption", "title", "header", "subheader", "error", "warning", "info", "success",
                  "toast", "exception")


def _fill(url):
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        demo.load_demo(s, password="Demo-lösen-1234", n_cases=60)
    _add_rows_the_demo_lacks(engine)
    with engine.begin() as conn:
        for table, columns in FREE_TEXT.items():
            for column in columns:
                value = LONG if len(LONG) + 8 <= LENGTHS.get(column, 200) else IMAGE
                # " #id" keeps unique columns (school names) unique
                conn.execute(text(f'UPDATE "{table}" SET "{column}" = :v || \' #\' || id'), {"v": value})
    free = {s.key: {q.key for q in s.questions if q.free_text} for s in get_config().surveys.surveys}
    with db.session_scope(engine) as s:
        from narvaro.core.models import SurveyResponse

        for response in s.exec(select(SurveyResponse)).all():
            answers = json.loads(response.answers_json or "{}")
            answers.update({k: LONG for k in free.get(response.survey_key, ())})
            response.answers_json = json.dumps(answers, ensure_ascii=False)
            s.add(response)
    with Session(engine) as s:
        users = {u.role: u.username for u in s.exec(select(User).where(User.active == True)).all()}  # noqa: E712
        coordinator = s.exec(select(User).where(User.role == permissions.COORDINATOR, User.active == True)  # noqa: E712
                             .join(Assignment, Assignment.user_id == User.id)).first()
        numbers = s.exec(select(Case.number).join(Assignment, Assignment.case_id == Case.id)
                         .where(Assignment.user_id == coordinator.id)).all()
    engine.dispose()
    users[permissions.COORDINATOR] = coordinator.username
    return users, numbers


def _add_rows_the_demo_lacks(engine):
    """The demo has no notes, interventions, voices, actors, surveys ... : one of each on every open case of a
    coordinator (their texts are overwritten with payloads next)."""
    import datetime as dt

    from narvaro.core.models import (CaseActor, CaseIntervention, CaseVoice, CatalogueEntry, ChecklistMark,
                                     EffectRating, School, SchoolActivity, SchoolTransition, ServiceNote,
                                     StepChange, SurveyResponse)

    cfg = get_config()
    ref, day = cfg.reference, dt.date(2025, 9, 1)
    survey = cfg.surveys.surveys[0]
    step = cfg.process.steps[0]
    with db.session_scope(engine) as s:
        s.add(CatalogueEntry(key="egen-1", kind="operativa", name="x", folded_name="x", created_by="t"))
        school = s.exec(select(School)).first()
        s.add(SchoolActivity(school_id=school.id, kind=ref.school_work_kinds[0], held_on=day, minutes=30,
                             created_by="t", note="x"))
        ids = s.exec(select(Assignment.case_id).join(User, User.id == Assignment.user_id)
                     .where(User.role == permissions.COORDINATOR)).all()
        for case_id in sorted(set(ids)):
            s.add(ServiceNote(case_id=case_id, written_on=day, author="t", text="x"))
            s.add(CaseActor(case_id=case_id, actor_type=ref.actor_types[0], created_by="t", organisation="x",
                            contact_person="x"))
            s.add(CaseVoice(case_id=case_id, speaker=ref.consent_givers[0], on_date=day, text="x", created_by="t"))
            s.add(ChecklistMark(case_id=case_id, step_key=step.key, item_key=step.items[0].key, marked_by="t",
                                not_applicable=True, reason="x"))
            s.add(SchoolTransition(case_id=case_id, on_date=day, from_school_form=ref.school_forms[0],
                                   to_school_form=ref.school_forms[-1], from_provider=ref.providers[0],
                                   to_provider=ref.providers[-1], created_by="t", note="x"))
            s.add(StepChange(case_id=case_id, to_step=step.key, on_date=day, changed_by="t", open_items_reason="x"))
            s.add(SurveyResponse(case_id=case_id, survey_key=survey.key, respondent_role=survey.respondent_roles[0],
                                 answered_on=day, answers_json="{}", entered_by="t"))
            own = CaseIntervention(case_id=case_id, name="x", kind="operativa", created_by="t", plan="x",
                                   performed_by="x")
            s.add(own)
            s.flush()
            s.add(EffectRating(case_intervention_id=own.id, rating=ref.effect_ratings[0], rated_by="t", comment="x"))


def rendered_as_markdown(at) -> list[str]:
    """Every string of the page that Streamlit renders as Markdown."""
    out = []
    for kind in MARKDOWN_KINDS:
        out += [str(getattr(el, "value", "")) for el in getattr(at, kind)]

    for table in at.table:  # st.table renders its cells as Markdown (st.dataframe does not)
        frame = table.value
        out += [str(v) for v in frame.to_numpy().ravel()] + [str(v) for v in frame.index]

    def walk(node):
        for attr in ("label", "help", "placeholder"):
            value = getattr(node, attr, None)
            if isinstance(value, str):
                out.append(value)
        if type(node).__name__ == "Radio":
            out.extend(str(o) for o in node.options)
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    return out


_UNESCAPED = re.compile(r"evil\.example|(?<!\\)<img|javascript:")  # escaped they read evil\.example, \<img ...


def _unescaped(strings: list[str]) -> list[str]:
    return [s for s in strings if _UNESCAPED.search(s)]


@pytest.fixture
def payload_app(app_env):
    return app_env, *_fill(app_env)


def test_every_page_shows_stored_payloads_as_text(payload_app, monkeypatch):
    url, users, numbers = payload_app
    problems = {}
    for role in permissions.ROLES:
        username = users.get(role)
        if username is None:
            continue
        for spec in permissions.pages_for(role):
            if spec.key == "case":
                continue
            at = page_as(url, username, spec.path)
            bad = _unescaped(rendered_as_markdown(at))
            if bad or at.exception:
                problems[f"{role} {spec.path}"] = bad[:3] or [str(at.exception)[:300]]
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_case_page_and_url_parameter_show_payloads_as_text(payload_app):
    from streamlit.testing.v1 import AppTest

    from narvaro import ui
    from tests.conftest import ROOT

    url, users, numbers = payload_app
    engine = db.make_engine(url)
    with Session(engine) as s:
        row = s.exec(select(User).where(User.username == users[permissions.COORDINATOR])).one()
        user = ui.CurrentUser(id=row.id, username=row.username, name=row.name, role=row.role)
    engine.dispose()
    problems = {}
    seen = 0
    visits = [(n, tab) for n in numbers[:4] for tab in TABS] + [(IMAGE, None), ("NK-" + LONG, None)]
    for number, tab in visits:
        at = AppTest.from_file(str(ROOT / "pages/arende.py"), default_timeout=60)
        at.session_state[ui.USER_KEY] = user
        at.query_params["arende"] = number
        if tab:
            at.query_params[TAB_PARAM] = tab  # only the open tab is drawn
        at.run()
        strings = rendered_as_markdown(at)
        seen += sum("evil\\.example" in s for s in strings)
        bad = _unescaped(strings)
        if bad or at.exception:
            problems[f"{number} {tab}"] = bad[:3] or [str(at.exception)[:300]]
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
    assert seen > 20  # the payloads were there to be shown (escaped)

