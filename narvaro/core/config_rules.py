"""The rules in data/process.yaml (`rules`): deadlines, thresholds, and the sign-in rules. Kept apart from
narvaro.core.config so that module stays small; config imports it, never the other way."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from narvaro.core.school_year import Count


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    step1_days: int = Field(ge=1)
    step1_count: Count = "calendar"
    case_max_months: int = Field(ge=1)
    case_max_count: Count = "calendar"
    caseload_guideline: int = Field(ge=1)
    queue_warning_days: int = Field(ge=1)
    small_number_threshold: int = Field(ge=1)
    retention_years_after_close: int = Field(ge=1)
    session_timeout_minutes: int = Field(ge=1)
    max_failed_logins: int = Field(ge=1)
    login_lock_minutes: int = Field(ge=1)
    majority_age: int = Field(default=18, ge=1)  # the pupil decides alone from this age (002:62)
    login_free_attempts: int = Field(default=3, ge=1)  # failures per username and address before a delay,
    login_max_delay_seconds: int = Field(default=300, ge=1)  # which doubles per failure up to this
    second_factor_roles: list[str] = Field(default_factory=list)  # data/process.yaml names them

    @field_validator("second_factor_roles")
    @classmethod
    def _known_roles(cls, roles: list[str]) -> list[str]:
        from narvaro.core.permissions import ROLES
        unknown = sorted(set(roles) - set(ROLES))
        if unknown:
            raise ValueError(f"okänd roll {unknown[0]!r}; roller: {', '.join(ROLES)}")
        return roles
