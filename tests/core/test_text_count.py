"""Grammar in counted text (issue 15): "1 punkt", "3 punkter", never "punkt(er)" or "1 pågående ärenden"."""
from narvaro.core.text import count


def test_count_takes_the_singular_for_one_and_the_plural_otherwise():
    assert count(1, "punkt", "punkter") == "1 punkt"
    assert count(0, "punkt", "punkter") == "0 punkter"
    assert count(3, "öppen punkt", "öppna punkter") == "3 öppna punkter"
    assert count(1, "pågående ärende", "pågående ärenden") == "1 pågående ärende"
