"""``contagion dashboard``: localhost by default, the network only with --expose, offline."""

from __future__ import annotations

import socket

import pytest

from contagion.cli import main
from contagion.cli.dashboard import OFFLINE_ENV, check_address, server_command


def test_localhost_by_default():
    host, port = check_address(None, 0, expose=False)
    assert host == "127.0.0.1" and port > 0


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20"])
def test_network_interfaces_need_expose(host):
    with pytest.raises(ValueError, match=f"--host {host} would make the dashboard reachable "
                       "from the network; add --expose"):
        check_address(host, 8765, expose=False)


def test_expose_binds_every_interface():
    assert check_address(None, 0, expose=True)[0] == "0.0.0.0"


def test_a_busy_port_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ValueError, match=f"cannot listen on 127.0.0.1:{port}"):
            check_address("127.0.0.1", port, expose=False)


def test_the_command_line_refuses_without_expose(capsys):
    assert main(["dashboard", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("contagion dashboard: error: --host 0.0.0.0") and "Traceback" not in err


def test_server_runs_offline_in_production_mode():
    command, env = server_command("127.0.0.1", 8765)
    assert command[1:5] == ["-m", "dashboards.guard", "run", "dashboards.app"]  # solara run
    assert {"--production", "--no-check-version", "--no-open"} <= set(command)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert OFFLINE_ENV.items() <= env.items()


def test_a_port_a_crashed_server_left_in_time_wait_is_free_at_once():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn's server does
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = server.accept()
            accepted.close()  # the server side closes first: its port waits in TIME_WAIT
            client.recv(1)
    assert check_address("127.0.0.1", port, expose=False) == ("127.0.0.1", port)


def test_an_open_page_can_come_back_after_a_restart():
    _, env = server_command("127.0.0.1", 8765)
    assert env["SOLARA_STATE_AUTO_REMOUNT"] == "True"  # rerun the app, do not ask to refresh
