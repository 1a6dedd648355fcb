"""Schemathesis against a live Warecache: every documented operation, all checks, the stateful
phase included. Exits non-zero when it finds anything (a 500, an answer the schema does not
describe, a refused valid request, an accepted invalid one).

A throwaway server: a temporary var/ directory (SQLite database, broker folder, secret key),
migrated, with the demo data (`manage.py load_demo`), an admin with an API token, and gunicorn
on a free loopback port. Path parameters get real ids from that data (schemathesis's
`[parameters]`), so operations reach their objects instead of answering 404 to random names.

    .venv/bin/python scripts/schemathesis_run.py [--max-examples N] [--seed N] [--keep]

`make test` runs it once after pytest (scripts/run_tests.py), with a bounded --max-examples."""

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# The CLI of the schemathesis installed beside this Python (the dev extra pins it).
SCHEMATHESIS = [PYTHON, "-m", "schemathesis.cli"]

# Printed by `manage.py shell -c` below: the ids the operations' path parameters get.
SETUP = """
import json
from accounts import services
from accounts.models import User
from config.core.actors import Actor
from inventory.catalogue.services import alternate_add
from inventory.models import Lot, Part, StockMovement, StorageLocation

system = Actor.system("schemathesis")
admin, _ = services.ensure_admin_account(username="fuzz-admin", password="{password}")
_, secret = services.api_token_create(actor=system, user=admin, label="fuzz")
# Revoked by DELETE /tokens/{{label}} and deleted by DELETE /users/{{uname}}: never the
# admin's own token or account, or the rest of the run would be a 401.
services.api_token_create(actor=system, user=admin, label="spare")
for username in ("sample", "doomed"):  # doomed: for DELETE /users/{{uname}} alone
    services.user_create(actor=system, username=username, password="{password}", role="viewer")
used = Part.objects.filter(pk__in=StockMovement.objects.values("part")).select_related(
    "part_type"
)
part = used.order_by("ipn").first()
other = Part.objects.exclude(pk=part.pk).order_by("ipn").first()
alternate_add(actor=system, part=part, alternate=other, note="")
location = StorageLocation.objects.filter(
    pk__in=StockMovement.objects.values("location")
).order_by("pk").first()
print("IDS=" + json.dumps({{
    "token": secret,
    "ptype": part.part_type.slug,
    "type_id": str(part.part_type.pk),
    "ipn": part.ipn,
    "alt_ipn": other.ipn,
    "mpn": part.mpn or part.ipn,
    "location_id": location.pk,
    "lot_id": Lot.objects.order_by("pk").first().pk,
    "uname": "sample",
    "label": "spare",
    "timestamp": "2026-01-01T00:00:00Z",
}}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"manage.py {args[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(env: dict) -> dict:
    """Migrate, load the demo data and create the accounts; returns the ids and the token."""
    for step in (["migrate", "--noinput"], ["load_demo"]):
        began = time.monotonic()
        manage(env, *step)
        print(f"schemathesis: {step[0]} took {time.monotonic() - began:.0f}s", flush=True)
    script = SETUP.format(password=secrets.token_urlsafe(16))
    output = manage(env, "shell", "--no-imports", "-c", script)
    line = next(line for line in output.splitlines() if line.startswith("IDS="))
    return json.loads(line.removeprefix("IDS="))


def serve(env: dict, port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--timeout=60",
            # No request-line limit (gunicorn's is 4,094 bytes, answered with a 414 page): the
            # run tests what the application answers to every generated request, query
            # strings of several kilobytes included. A deployment's proxy or server may refuse
            # long URLs earlier; that is HTTP's limit, not the API's contract.
            "--limit-request-line=0",
            # Method, path, status and seconds of every request, to find what was slow or failed.
            "--access-logfile=-",
            "--access-logformat=%(m)s %(U)s %(s)s %(L)s",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server/health_check", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    sys.exit(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


# positive_data_acceptance expects every request the schema allows to succeed (or to be a
# 401/403/404/409). These operations rightly refuse with a 400 some requests that no schema can
# tell apart: keys of objects that do not exist (a part, location or lot named in the body, a
# parent id), per-part-type rules (required info keys, units), the ledger's rules (whole
# pieces, positive quantities), password strength, an expiry in the past, reserved or
# all-digit slugs, and opaque cursors. Every other check, negative_data_rejection included,
# still runs on them.
SEMANTIC_REFUSALS = [
    "stock_add",
    "stock_remove",
    "stock_move",
    "stock_adjust",
    "stock_status",
    "parts_create",
    "parts_update",
    "parts_list",
    "parts_alternates_add",
    "part_types_create",
    "locations_create",
    "locations_update",
    "users_create",
    "users_passwd",
    "tokens_create",
    "changelog_since",
]


def config_file(ids: dict, path: Path) -> Path:
    parameters = "\n".join(
        f'"path.{name}" = {json.dumps(value)}' for name, value in ids.items() if name != "token"
    )
    path.write_text(
        "# Written by scripts/schemathesis_run.py for one run.\n"
        f"[parameters]\n{parameters}\n\n"
        "# Every check (set here, not with --checks, which would override the operations').\n"
        "[checks]\nenabled = true\n\n"
        "# Text never holds NUL (PostgreSQL cannot store it): every text field refuses it.\n"
        "[generation]\nallow-x00 = false\n\n"
        "[[operations]]\n"
        f"include-operation-id = {json.dumps(SEMANTIC_REFUSALS)}\n"
        "checks.positive_data_acceptance.enabled = false\n\n"
        "[[operations]]\n"
        'include-operation-id = "users_delete"\n'
        'parameters = { "path.uname" = "doomed" }\n'
    )
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=10, help="per operation and phase")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the server's directory")
    args, extra = parser.parse_known_args()

    workdir = Path(tempfile.mkdtemp(prefix="warecache-schemathesis-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "DEBUG"}
    } | {
        "WARECACHE_VAR_DIR": str(workdir / "var"),
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "LOG_LEVEL": "WARNING",
    }
    server = None
    code = 1
    started = time.monotonic()
    try:
        ids = prepare(env)
        print(f"schemathesis: server data ready in {time.monotonic() - started:.0f}s", flush=True)
        port = free_port()
        server = serve(env, port, workdir / "server.log")
        command = [
            *SCHEMATHESIS,
            "--config-file",
            str(config_file(ids, workdir / "schemathesis.toml")),
            "run",
            f"http://127.0.0.1:{port}/apidoc/openapi.json",
            "--phases=examples,coverage,fuzzing,stateful",
            f"--max-examples={args.max_examples}",
            f"--header=Authorization: Bearer {ids['token']}",
            "--request-timeout=30",
            f"--report-dir={workdir / 'report'}",
            *([f"--seed={args.seed}"] if args.seed is not None else []),
            *extra,
        ]
        code = subprocess.call(command, cwd=workdir)
        print(f"schemathesis: exit {code} after {time.monotonic() - started:.0f}s", flush=True)
        return code
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep or code != 0:
            print(f"schemathesis: kept {workdir} (server.log, report/)", flush=True)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
