"""`python -m narvaro process export|import|versions`: sharing a process between municipalities."""
from sqlmodel import Session

from narvaro import cli
from narvaro.core import audit, config, db, versions


def _run(capsys, url, *args):
    rc = cli.main(["--database-url", url, "process", *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_export_writes_the_files_data_holds_and_import_publishes_them(db_url, capsys, tmp_path):
    rc, out, _ = _run(capsys, db_url, "export", str(tmp_path / "ut"))
    assert rc == 0 and "Version 1." in out
    assert config.read_texts(tmp_path / "ut") == config.read_texts(config.DATA_DIR)
    ref = tmp_path / "ut" / "reference.yaml"
    ref.write_text(ref.read_text(encoding="utf-8").replace("label: Övrigt}", "label: Annat skäl}"), encoding="utf-8")
    rc, out, _ = _run(capsys, db_url, "import", str(tmp_path / "ut"), "--reason", "Från grannkommunen")
    assert rc == 0 and "Publicerade version 2." in out
    assert "closure_reasons › ovrigt › label: 'Övrigt' → 'Annat skäl'" in out
    rc, out, _ = _run(capsys, db_url, "versions")
    assert rc == 0
    lines = out.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["2", "1"]
    assert lines[0].split("\t")[3:] == ["import", "Från grannkommunen"] and lines[1].split("\t")[2] == "system"
    engine = db.make_engine(db_url)
    with Session(engine) as s:
        assert versions.files(s)["reference"] == ref.read_text(encoding="utf-8")
        assert audit.search(s, action=audit.PROCESS)[0].detail.startswith("Version 2 (import): Från grannkommunen")
    engine.dispose()
    rc, _, _ = _run(capsys, db_url, "export", str(tmp_path / "v1"), "--version", "1")
    assert rc == 0 and config.read_texts(tmp_path / "v1") == config.read_texts(config.DATA_DIR)


def test_an_invalid_file_exits_non_zero_names_file_line_and_key_and_publishes_nothing(db_url, capsys, tmp_path):
    _run(capsys, db_url, "export", str(tmp_path / "ut"))
    proc = tmp_path / "ut" / "process.yaml"
    text = proc.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "caseload_guideline:" in row)
    proc.write_text(text.replace("caseload_guideline: 15", "caseload_guideline: femton"), encoding="utf-8")
    rc, out, err = _run(capsys, db_url, "import", str(tmp_path / "ut"), "--reason", "Trasig")
    assert rc != 0 and not out
    assert f"{proc}: rad {line}, nyckel rules.caseload_guideline:" in err and "ingenting är publicerat" in err
    rc, _, err = _run(capsys, db_url, "import", str(tmp_path / "saknas"), "--reason", "x")
    assert rc != 0 and "finns inte" in err
    rc, out, _ = _run(capsys, db_url, "versions")
    assert [row.split("\t")[0] for row in out.splitlines()] == ["1"]
