"""The second factor with real TOTP codes (pyotp), recovery codes, the QR code drawn locally, and the reset."""
import pyotp
from sqlmodel import Session, select

from narvaro.core import clock, db, second_factor
from narvaro.core import users as auth
from narvaro.core.auth_models import RecoveryCode
from narvaro.core.models import AuditEntry


def _code(secret: str, steps_ahead: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now().timestamp() + 30 * steps_ahead)


def test_roles_that_read_case_data_need_it_by_default_and_a_demo_does_not():
    assert second_factor.required("koordinator") and second_factor.required("teamledare")
    assert second_factor.required("admin")
    assert not second_factor.required("lasare") and not second_factor.required("registrator")
    assert not second_factor.required("koordinator", demo=True)


def test_enrol_with_a_real_code_then_each_code_works_once(engine, frozen_clock):
    # A frozen clock: a real one can cross a 30-second step between enrolment and the replay, making it a new code.
    with db.session_scope(engine) as s:
        user = auth.create_user(s, username="kim", name="Kim", role="koordinator", password="Langtlosen123", by=None)
        secret = second_factor.new_secret()
        assert second_factor.enroll(s, user, secret, "000000" if _code(secret) != "000000" else "111111") is None
        codes = second_factor.enroll(s, user, secret, _code(secret))
    assert len(codes) == second_factor.RECOVERY_CODES and len(set(codes)) == len(codes)
    with db.session_scope(engine) as s:
        user = auth.get_user(s, "kim")
        assert not second_factor.verify(s, user, _code(secret))  # the enrolment's code cannot be replayed
        assert second_factor.verify(s, user, _code(secret, 1))  # the next one (a clock one step ahead) works
        assert not second_factor.verify(s, user, _code(secret, 1))
        hashes = [r.code_hash for r in s.exec(select(RecoveryCode)).all()]
    assert all(h.startswith("$2") for h in hashes) and not set(codes) & set(hashes)


def test_a_recovery_code_works_once(engine):
    with db.session_scope(engine) as s:
        user = auth.create_user(s, username="kim", name="Kim", role="koordinator", password="Langtlosen123", by=None)
        secret = second_factor.new_secret()
        codes = second_factor.enroll(s, user, secret, _code(secret))
    with db.session_scope(engine) as s:
        user = auth.get_user(s, "kim")
        assert second_factor.verify(s, user, codes[3].upper().replace("-", " "))  # typed loosely
        assert not second_factor.verify(s, user, codes[3])
        assert second_factor.unused_recovery_codes(s, user) == second_factor.RECOVERY_CODES - 1


def test_the_admins_reset_is_audited_and_asks_for_a_new_enrolment(engine):
    with db.session_scope(engine) as s:
        user = auth.create_user(s, username="kim", name="Kim", role="koordinator", password="Langtlosen123", by=None)
        secret = second_factor.new_secret()
        second_factor.enroll(s, user, secret, _code(secret))
    with db.session_scope(engine) as s:
        second_factor.reset(s, auth.get_user(s, "kim"), by="chefen")
    with Session(engine) as s:
        assert auth.get_user(s, "kim").totp_secret is None
        assert s.exec(select(RecoveryCode)).all() == []
        entry = s.exec(select(AuditEntry).where(AuditEntry.username == "chefen")).one()
    assert entry.detail == "återställde andra faktorn för kim"


def test_the_qr_code_is_drawn_here_as_svg_with_no_other_host():
    svg = second_factor.qr_svg(second_factor.provisioning_uri("kim", second_factor.new_secret()))
    assert svg.startswith("<svg") and "<path" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")
