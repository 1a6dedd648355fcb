"""`make run`'s supervisor (scripts/serve.py): the banner it prints once the web server
listens, and the first admin's credentials it takes over from ensure_admin."""

import importlib.util
import json
import socket
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "serve.py"


@pytest.fixture
def serve():
    # scripts/ is not a package: load the script as a module (its main() does not run).
    spec = importlib.util.spec_from_file_location("warecache_serve", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_banner_gives_the_url_and_the_first_admins_credentials(serve):
    text = serve.banner("http://127.0.0.1:8000/", {"username": "admin", "password": "s3cret-xyz"})

    lines = text.splitlines()
    assert lines[0] == lines[-1] and set(lines[0]) == {"─"}
    assert "Warecache is running: http://127.0.0.1:8000/" in text
    assert "Log in as 'admin' with the password s3cret-xyz" in text
    assert "change it at http://127.0.0.1:8000/account#password" in text
    assert "Ctrl-C stops the web server, the worker and beat." in text
    assert len(lines) <= 8  # short


def test_without_new_credentials_the_banner_has_no_login_lines(serve):
    text = serve.banner("http://127.0.0.1:8000/", None)
    assert "Log in" not in text
    assert "Warecache is running" in text


def test_a_password_from_the_environment_is_not_printed(serve):
    text = serve.banner("http://127.0.0.1:8000/", {"username": "admin", "password": None})
    assert "Log in as 'admin' with WARECACHE_ADMIN_PASSWORD." in text


def test_credentials_are_taken_once_and_the_file_removed(serve, tmp_path):
    handover = tmp_path / "first-admin.json"
    handover.write_text(json.dumps({"username": "admin", "password": "pw"}))

    assert serve.take_credentials(handover) == {"username": "admin", "password": "pw"}
    assert not handover.exists()
    assert serve.take_credentials(handover) is None


def test_an_unreadable_credentials_file_is_removed_and_ignored(serve, tmp_path):
    handover = tmp_path / "first-admin.json"
    handover.write_text("{not json")
    assert serve.take_credentials(handover) is None
    assert not handover.exists()


def test_the_url_of_a_server_listening_everywhere_is_a_loopback_one(serve):
    assert serve.site_url("0.0.0.0", "8000") == "http://127.0.0.1:8000/"  # noqa: S104
    assert serve.site_url("192.0.2.7", "8080") == "http://192.0.2.7:8080/"


def test_a_taken_port_is_refused_before_anything_starts(serve, monkeypatch, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setattr(serve, "PORT", str(taken.getsockname()[1]))
        monkeypatch.setattr(serve, "PROCESSES", {})  # nothing may be started

        assert serve.main() == 1

    assert "already listens" in capsys.readouterr().out
