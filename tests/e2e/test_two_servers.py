"""Two app processes on one PostgreSQL database see each other's changes (no state kept in one process)."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import fresh_shared_database, go_to, login
from tests.e2e.test_journey import register_request
from tools import appserver

pytestmark = pytest.mark.e2e


@pytest.fixture
def two_servers(pg_database, tmp_path, playwright_instance):
    fresh_shared_database(pg_database)
    servers = [appserver.AppServer(pg_database, tmp_path / f"server-{i}.log").start() for i in (1, 2)]
    yield servers
    for server in servers:
        server.stop()


def test_a_case_registered_on_one_server_is_on_the_board_of_the_other(two_servers, new_page):
    first, second = two_servers
    assert first.port != second.port and first.database_url.startswith("postgresql")

    board = new_page(second)
    login(board, second, "e2e.teamledare")
    go_to(board, "Ärendetavla")
    expect(board.get_by_text("Kön är tom.")).to_be_visible()

    intake = new_page(first)
    login(intake, first, "e2e.teamledare")
    number = register_request(intake, "E2E-TVA")

    board.reload()
    expect(board.get_by_role("link", name=re.compile(re.escape(number)))).to_be_visible()
    expect(board.get_by_label("Ärende i kön (i turordning)")).to_be_visible()
