"""`manage.py ensure_admin`: the first admin, and how its generated password reaches whoever
started Warecache (printed, or handed to `make run`'s banner through a private file)."""

import json
import stat
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def ensure_admin(*args) -> str:
    out = StringIO()
    call_command("ensure_admin", *args, stdout=out)
    return out.getvalue()


def test_a_generated_password_is_printed_with_where_to_change_it(monkeypatch):
    monkeypatch.delenv("WARECACHE_ADMIN_PASSWORD", raising=False)

    out = ensure_admin()

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    password = out.split("password: ")[1].split()[0]
    assert admin.check_password(password)
    assert "change it at /account#password" in out


def test_with_a_credentials_file_the_password_goes_there_and_not_to_the_output(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("WARECACHE_ADMIN_PASSWORD", raising=False)
    handover = tmp_path / "var" / "first-admin.json"

    out = ensure_admin("--credentials-file", str(handover))

    credentials = json.loads(handover.read_text())
    assert credentials["username"] == "admin"
    assert User.objects.get(username="admin").check_password(credentials["password"])
    assert credentials["password"] not in out
    assert "shown when the server is up" in out
    assert stat.S_IMODE(handover.stat().st_mode) == 0o600


def test_a_stale_credentials_file_is_replaced_not_written_through(monkeypatch, tmp_path):
    monkeypatch.delenv("WARECACHE_ADMIN_PASSWORD", raising=False)
    handover = tmp_path / "first-admin.json"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("untouched")
    handover.symlink_to(elsewhere)

    ensure_admin("--credentials-file", str(handover))

    assert elsewhere.read_text() == "untouched"
    assert not handover.is_symlink()
    assert stat.S_IMODE(handover.stat().st_mode) == 0o600


def test_a_password_from_the_environment_is_never_written_down(monkeypatch, tmp_path):
    monkeypatch.setenv("WARECACHE_ADMIN_PASSWORD", "an operator's own passphrase")
    handover = tmp_path / "first-admin.json"

    out = ensure_admin("--credentials-file", str(handover))

    assert json.loads(handover.read_text()) == {"username": "admin", "password": None}
    assert "passphrase" not in out


def test_nothing_is_handed_over_when_an_admin_exists(monkeypatch, tmp_path):
    monkeypatch.delenv("WARECACHE_ADMIN_PASSWORD", raising=False)
    ensure_admin()
    handover = tmp_path / "first-admin.json"

    out = ensure_admin("--credentials-file", str(handover))

    assert "Admin account exists: admin" in out
    assert not handover.exists()
