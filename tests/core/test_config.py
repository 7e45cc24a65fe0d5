"""The process definition in data/ loads, and a broken file gives a message naming file, line and key."""
import shutil

import pytest

from narvaro.core.config import ConfigError, load_config
from tests.conftest import ROOT, make_app, text_of


def test_shipped_process_matches_the_seeds():
    cfg = load_config()
    assert [s.name for s in cfg.process.steps] == ["Start", "Steg 1", "Steg 2", "Steg 3", "Steg 4"]
    assert cfg.process.step("steg3").repeats
    assert cfg.process.rules.step1_days == 14
    assert cfg.process.rules.case_max_months == 6
    assert cfg.process.rules.caseload_guideline == 15
    assert [q.text for q in cfg.process.follow_up_questions] == ["Nuläge?", "Närvaro?", "Fortsatta insatser?", "Nytt möte"]
    ref = cfg.reference
    assert ref.school_forms == ["Grundskola", "Gymnasieskola", "Anpassad grundskola", "Anpassad gymnasieskola"]
    assert ref.providers == ["Kommunal", "Fristående"]
    assert ref.sexes == ["Pojke", "Flicka", "Annat"]
    assert ref.closure_labels == [
        "Återgått till undervisning", "Rektor avslutade, ej önskad effekt", "Rektor önskar inte stöd",
        "Flyttat från kommunen", "Elev/vårdnadshavare avböjer", "Annan insats tar över", "Övrigt"]
    assert ref.returned_reason == "Återgått till undervisning"
    assert len(cfg.interventions.samordnande) >= 4 and len(cfg.interventions.operativa) == 20


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def test_yaml_syntax_error_names_file_and_line(data_copy):
    path = data_copy / "process.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[11] = "    name: [Start"  # an unclosed list on line 12
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(data_copy)
    assert "process.yaml" in str(err.value)
    assert "rad " in str(err.value) and "inte giltig YAML" in str(err.value)


def test_invalid_value_names_file_line_and_key(data_copy):
    path = data_copy / "process.yaml"
    text = path.read_text(encoding="utf-8").replace("step1_days: 14", "step1_days: fjorton")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "fjorton" in l)
    with pytest.raises(ConfigError) as err:
        load_config(data_copy)
    msg = str(err.value)
    assert "process.yaml" in msg and f"rad {line}" in msg and "rules.step1_days" in msg


def test_unknown_key_and_duplicate_reason_are_refused(data_copy):
    ref = data_copy / "reference.yaml"
    text = ref.read_text(encoding="utf-8")
    ref.write_text(text.replace("  - {key: ovrigt, label: Övrigt}", "  - {key: ovrigt, label: Övrigt}\n  - {label: Övrigt}"),
                   encoding="utf-8")
    with pytest.raises(ConfigError, match="Övrigt"):
        load_config(data_copy)
    # A reason's key is the reason itself: two reasons may not share one, whatever their labels.
    ref.write_text(text.replace("  - {key: ovrigt, label: Övrigt}", "  - {key: ovrigt, label: Övrigt}\n"
                                "  - {key: ovrigt, label: Annat}"), encoding="utf-8")
    with pytest.raises(ConfigError, match="ovrigt"):
        load_config(data_copy)
    ref.write_text(text, encoding="utf-8")
    proc = data_copy / "process.yaml"
    proc.write_text(proc.read_text(encoding="utf-8").replace("  step1_days: 14", "  step1_days: 14\n  stepp1_days: 3"),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="stepp1_days"):
        load_config(data_copy)


def test_missing_file_is_named(data_copy):
    (data_copy / "interventions.yaml").unlink()
    with pytest.raises(ConfigError, match="interventions.yaml: filen saknas"):
        load_config(data_copy)


def test_app_stops_with_the_message_on_a_broken_file(data_copy, app_env, monkeypatch):
    from narvaro.core.config import reload_config

    path = data_copy / "process.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("caseload_guideline: 15", "caseload_guideline: -3"),
                    encoding="utf-8")
    monkeypatch.setenv("NARVARO_DATA_DIR", str(data_copy))
    reload_config()
    try:
        at = make_app().run()
        shown = text_of(at)
        assert "Närvaro kan inte starta" in shown
        assert "process.yaml" in shown and "rules.caseload_guideline" in shown
        assert not at.text_input  # no login form on a broken process
    finally:
        monkeypatch.delenv("NARVARO_DATA_DIR")
        reload_config()


def test_lists_that_steer_rules_are_data_and_checked(data_copy):
    """Who consents, who performs an intervention, its statuses, the statistics rows: all in data/."""
    ref = load_config(data_copy).reference
    assert ref.consent_givers_for(of_age=True) == ["Elev"] and ref.other_actor_performer == "Annan aktör"
    assert ref.open_intervention_statuses == ["planerad", "pågående"]
    assert [ref.statistics_group(f) for f in ref.school_forms] == ["GRSK", "GYM", "GRSK", "GYM"]
    assert ref.rector_closed_reason == "Rektor avslutade, ej önskad effekt"

    path = data_copy / "reference.yaml"
    original = path.read_text(encoding="utf-8")
    for old, new, expected in [
        ("guardians: [Vårdnadshavare 1, Vårdnadshavare 2]", "guardians: [Förälder]", "guardians"),
        ("GYM: [Gymnasieskola, Anpassad gymnasieskola]", "GYM: [Gymnasieskola, Folkhögskola]", "Folkhögskola"),
    ]:
        path.write_text(original.replace(old, new), encoding="utf-8")
        with pytest.raises(ConfigError, match=expected):
            load_config(data_copy)
    # A municipality that renames a status gets it everywhere, without code changes.
    path.write_text(original.replace("{label: pågående, open: true}", "{label: pågår, open: true}"), encoding="utf-8")
    assert load_config(data_copy).reference.open_intervention_statuses == ["planerad", "pågår"]


def test_meeting_kinds_the_workflow_needs_must_be_listed(data_copy):
    path = data_copy / "reference.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("meeting_kinds: [Uppföljningsmöte, ", "meeting_kinds: [Uppföljning, "),
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="meeting_kinds saknar 'Uppföljningsmöte'"):
        load_config(data_copy)


def test_follow_up_questions_keep_their_keys(data_copy):
    path = data_copy / "process.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("{key: narvaro, ", "{key: franvaro, "), encoding="utf-8")
    with pytest.raises(ConfigError, match="follow_up_questions saknar frågan med key 'narvaro'"):
        load_config(data_copy)


def test_seed_wording_is_restored_where_it_was_shortened():
    """Issue 17, item 8: the checklist keeps the seed's words (003:471, 488, 489, 496)."""
    steps = load_config().process
    item = lambda step, key: steps.step(step).item(key).text  # noqa: E731
    assert "(efter ca 2–3 månader efter anmälan)" in item("start", "utredning_inkommen")  # 003:471
    assert "skapar en struktur för arbetet i samarbete med EHT och rektor" in item("steg1", "satta_sig_in")  # 003:488
    eht = item("steg1", "eht_mote")  # 003:489
    assert eht.startswith("Möte med EHT på skola ") and "Se förslag på samordnande och operativa insatser på " \
        "exempellista." in eht
    assert "skicka till samordnare som registrerar i PRN" in item("steg1", "samtycke_registrerat")  # 003:496
    assert steps.step("steg2").when == "Från vecka 2 (steg 1) fram till uppföljningsmöte med EHT och rektor, ca 3–5 veckor."


def test_bilaga4_tasks_meeting_kinds_and_supporting_work_are_in_the_data():
    """Issue 17, items 5 and 15: Bilaga 4's operative tasks (003:686–690, 693), EHM and arbetslagsmöte (003:689),
    and supporting/advisory work (001:56–59) as a kind beside coordinating and operative."""
    cfg = load_config()
    operative = {i.key for i in cfg.interventions.operativa}
    assert {"overblick_situation", "bidra_kunskap", "franvarokartlaggning", "delta_eht_ehm_arbetslag",
            "driva_beslut", "overgangar_skolor"} <= operative
    assert {"EHM", "Arbetslagsmöte"} <= set(cfg.reference.meeting_kinds)
    assert [kind for kind, _ in cfg.interventions.all()][:1] == ["samordnande"]
    assert {i.key for i in cfg.interventions.stodjande} == {"lank_mellan_parter", "konsultativt_handledande"}
    assert "stodjande" in {kind for kind, _ in cfg.interventions.all()}


def test_surveys_are_marked_as_an_example_and_include_the_pupil():
    """Issue 17, items 2 and 13: no seed has survey questions (003:374); the rector is asked about (003:315)."""
    cfg = load_config()
    assert cfg.surveys.example is True
    text = (cfg.data_dir / "surveys.yaml").read_text(encoding="utf-8")
    assert "EXEMPEL ATT BYTA UT" in text and "003:374" in text
    by_key = {s.key: s for s in cfg.surveys.surveys}
    assert set(by_key) == {"vardnadshavare", "skola", "elev"}
    assert by_key["skola"].rector_sees and not by_key["vardnadshavare"].rector_sees
    assert by_key["elev"].respondent_roles == ["Elev"]


@pytest.mark.parametrize("old,new,expected", [
    ("to: steg4, returns_to_school: true}", "to: steg9, returns_to_school: true}", "steg9"),
    ("to: steg3, next_meeting: true}", "to: steg3}", "next_meeting"),
    ("to: steg4, returns_to_school: true}", "to: steg4, next_meeting: true}", "next_meeting"),
    ("to: steg4, returns_to_school: true}", "to: steg1}", "efter det första steget"),
    ("{key: rektor_avslutar,", "{key: narvaro_i_skolan,", "två gånger"),
])
def test_follow_up_outcomes_are_checked(data_copy, old, new, expected):
    path = data_copy / "process.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        load_config(data_copy)


def test_a_closing_outcome_needs_a_rector_closed_reason(data_copy):
    path = data_copy / "reference.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(', rector_closed: true}', '}'), encoding="utf-8")
    with pytest.raises(ConfigError, match="rector_closed"):
        load_config(data_copy)
