"""Who the provider's person is in Närvaro: matched by e-mail or preferred_username; nobody else gets in."""
from narvaro.core import db, identity
from narvaro.core import users as auth


def test_match_by_email_or_preferred_username_never_an_inactive_user(engine):
    with db.session_scope(engine) as s:
        auth.create_user(s, username="kim", name="Kim", role="koordinator", password=None, by=None,
                         email="Kim.K@Kommun.example")
        auth.create_user(s, username="bo.b", name="Bo", role="lasare", password=None, by=None)
        auth.create_user(s, username="slutat", name="Slutat", role="lasare", password=None, by=None,
                         email="slutat@kommun.example", active=False)
    with db.session_scope(engine) as s:
        assert identity.match_user(s, {"email": "kim.k@kommun.example"}).username == "kim"
        assert identity.match_user(s, {"preferred_username": "Bo.B"}).username == "bo.b"
        assert identity.match_user(s, {"email": "slutat@kommun.example"}) is None
        assert identity.match_user(s, {"email": "vem@kommun.example", "sub": "x"}) is None
        assert identity.match_user(s, {"sub": "x"}) is None


def test_one_provider_sign_in_opens_one_session():
    a = identity.marker({"iss": "i", "sub": "s", "iat": 1, "nonce": "n"})
    assert a == identity.marker({"iss": "i", "sub": "s", "iat": 1, "nonce": "n", "email": "x"})
    assert a != identity.marker({"iss": "i", "sub": "s", "iat": 2, "nonce": "n"})
