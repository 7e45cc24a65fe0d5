"""The only package in narvaro that talks to Streamlit: app.py and the pages draw through it.

Rules and queries do not belong here; this package only connects Streamlit to narvaro's services. The names
below are what pages use; each lives in a small module of its own.
"""
from narvaro.core.permissions import ROLE_LABELS, CurrentUser
from narvaro.core.text import count, fmt_date, fmt_number, fmt_percent
from narvaro.ui.cache import ReportKey, figure, report, report_key, section, versions_in_period
from narvaro.ui.faults import callback
from narvaro.ui.forms import keyed, renew_keys
from narvaro.ui.safe import md
from narvaro.ui.state import (
    DEMO_PASSWORDS_KEY,
    FLASH_KEY,
    USER_KEY,
    config,
    current_user,
    engine,
    guard,
    is_demo,
    session,
)
from narvaro.ui.widgets import case_link, show_field_errors

__all__ = [
    "CurrentUser", "DEMO_PASSWORDS_KEY", "FLASH_KEY", "ROLE_LABELS", "ReportKey", "USER_KEY", "callback", "case_link",
    "config", "count", "current_user", "engine", "figure", "fmt_date", "fmt_number", "fmt_percent", "guard", "is_demo",
    "keyed", "md", "renew_keys", "report", "report_key", "section", "session", "versions_in_period",
    "show_field_errors",
]
