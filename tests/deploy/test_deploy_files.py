"""docs/drift.md and deploy/ agree with the app: what a test can follow of the recipe without a real server
(nginx itself runs in tests/e2e/test_nginx.py; systemd and the municipality's CA cannot run here)."""
import re
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit import config as st_config

ROOT = Path(__file__).resolve().parents[2]
DRIFT = (ROOT / "docs" / "drift.md").read_text(encoding="utf-8")
UNIT = (ROOT / "deploy" / "systemd" / "narvaro@.service").read_text(encoding="utf-8")
SITE = (ROOT / "deploy" / "nginx" / "narvaro.conf").read_text(encoding="utf-8")


def _exec_start(unit: str) -> list[str]:
    line = re.search(r"^ExecStart=(.*?)(?<!\\)$", unit.replace("\\\n", " "), flags=re.M | re.S).group(1)
    return line.split()


def test_every_deploy_file_the_recipe_names_exists():
    named = set(re.findall(r"deploy/[\w@./-]+\w", DRIFT))
    assert named and all((ROOT / n).exists() for n in named), sorted(n for n in named if not (ROOT / n).exists())


def test_the_units_streamlit_options_exist_and_match_the_nginx_base_path():
    args = _exec_start(UNIT)
    options = {a[2:]: args[i + 1] for i, a in enumerate(args) if a.startswith("--")}
    st_config.get_option("server.port")  # loads Streamlit's options
    known = set(st_config._config_options)  # Streamlit's own list: a misspelt option would stop the service
    assert set(options) <= known, set(options) - known
    assert options["server.address"] == "127.0.0.1"  # only nginx reaches the processes
    assert f"location /{options['server.baseUrlPath']}/ " in SITE
    ports = re.findall(r"server 127\.0\.0\.1:(\d+);", SITE)
    assert ports == ["8501", "8502"] and all(f"narvaro@{p}" in DRIFT for p in ports)


def test_the_environment_file_names_only_settings_the_app_reads():
    keys = [line.split("=", 1)[0] for line in (ROOT / "deploy" / "narvaro.env.example").read_text().splitlines()
            if line and not line.startswith("#")]
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "narvaro").rglob("*.py"))
    for key in keys:
        name = key.removeprefix("NARVARO_")
        assert key in source or f'secret("{name.lower()}")' in source, key


@pytest.mark.parametrize("command", ["init", "create-user", "backup", "restore"])
def test_the_commands_the_recipe_runs_exist(command):
    assert f"-m narvaro {command}" in DRIFT or f"narvaro {command}" in DRIFT
    done = subprocess.run([sys.executable, "-m", "narvaro", command, "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_backup_writes_where_its_unit_may_write():
    unit = (ROOT / "deploy" / "systemd" / "narvaro-backup.service").read_text(encoding="utf-8")
    target = _exec_start(unit)[-1]
    assert target in unit.split("ReadWritePaths=")[1].splitlines()[0].split()
