"""The school calendar (data/calendar.yaml): validated at start, school time skips holidays, a missing year warns."""
import datetime as dt
import shutil
from pathlib import Path

import pytest

from narvaro.core.config import load_config
from narvaro.core.errors import CalendarGap, ConfigError

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def test_the_shipped_calendar_has_terms_and_the_five_holidays_each_year():
    cal = load_config(ROOT / "data").calendar
    for year in cal.school_years:
        names = {h.name for h in year.holidays}
        assert {"Höstlov", "Jullov", "Sportlov", "Påsklov", "Sommarlov"} <= names, year.name
    assert cal.year_of(D(2025, 12, 24)).name == "2025/26"
    assert cal.holiday_on(D(2025, 12, 24)) == "Jullov" and cal.holiday_on(D(2025, 12, 18)) is None


def test_two_school_weeks_across_jullov_stand_still_for_the_holiday():
    cal = load_config(ROOT / "data").calendar
    # 10 Dec 2025 + 14 days of school time: 11-19 Dec (9 days), jullov 20 Dec-7 Jan does not run, 8-12 Jan (5 days).
    assert cal.add_school_days(D(2025, 12, 10), 14) == D(2026, 1, 12)
    assert D(2025, 12, 10) + dt.timedelta(days=14) == D(2025, 12, 24)  # what calendar days would have said
    # A start inside a holiday counts from the first school day after it.
    assert cal.add_school_days(D(2025, 12, 24), 1) == D(2026, 1, 8)
    assert cal.add_school_days(D(2025, 12, 24), 0) == D(2026, 1, 8)


def test_the_sql_cut_off_agrees_with_the_date_on_every_day_of_a_year():
    cal = load_config(ROOT / "data").calendar
    for n in (14, 35, 183):
        for offset in range(0, 365, 3):
            today = D(2026, 1, 1) + dt.timedelta(days=offset)
            cut = cal.latest_overdue_start(today, n)
            for start in (cut - dt.timedelta(days=1), cut):
                overdue = cal.add_school_days(start, n) < today
                assert overdue is (start < cut), (n, today, start)


def test_a_missing_school_year_is_a_clear_warning_not_a_date():
    cal = load_config(ROOT / "data").calendar
    with pytest.raises(CalendarGap, match="Läsåret 2031/32 saknas i data/calendar.yaml"):
        cal.add_school_days(D(2031, 9, 1), 14)
    with pytest.raises(CalendarGap, match="Läsåret 2028/29 saknas"):
        cal.add_school_days(D(2028, 6, 1), 183)  # runs past the last year in the file


def test_years_that_leave_a_gap_stop_the_start_with_file_and_line(data_copy):
    path = data_copy / "calendar.yaml"
    # 2022/23 ends four days early: 28-31 July 2023 would belong to no school year.
    text = path.read_text(encoding="utf-8").replace("end: 2023-07-31", "end: 2023-07-27")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(data_copy)
    msg = str(err.value)
    assert "calendar.yaml" in msg and "rad " in msg and "2023/24 ska börja dagen efter" in msg


def test_a_holiday_outside_its_year_or_ending_before_it_starts_is_refused(data_copy):
    path = data_copy / "calendar.yaml"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("{name: Höstlov, start: 2025-10-27, end: 2025-11-02}",
                                     "{name: Höstlov, start: 2025-11-02, end: 2025-10-27}"), encoding="utf-8")
    with pytest.raises(ConfigError, match="Höstlov: slutdatum 2025-10-27 ligger före startdatum"):
        load_config(data_copy)
    path.write_text(original.replace("{name: Höstlov, start: 2025-10-27, end: 2025-11-02}",
                                     "{name: Höstlov, start: 2026-10-27, end: 2026-11-02}", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="utanför läsåret"):
        load_config(data_copy)
    (data_copy / "calendar.yaml").unlink()
    with pytest.raises(ConfigError, match="calendar.yaml: filen saknas"):
        load_config(data_copy)
