"""`make run`: the web server, a Celery worker and Celery beat, stopped together by Ctrl-C.

If any of them exits, the others are stopped too, so a broken worker is never hidden behind a
running web server. Once the web server accepts connections, a short banner says where it is
and, on the first run, how to log in: last, so it is not buried under start-up output (the
worker and beat log only warnings and errors here, without their start-up banners)."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

PYTHON = sys.executable
ROOT = Path(__file__).resolve().parent.parent
HOST = os.environ.get("WARECACHE_HOST", "127.0.0.1")
PORT = os.environ.get("WARECACHE_PORT", "8000")
# Written by `manage.py ensure_admin --credentials-file` (the Makefile's run target) when it
# creates the first admin; read, printed in the banner and deleted here.
CREDENTIALS_FILE = ROOT / "var" / "first-admin.json"
TICK_SECONDS = 0.25
STOP_GRACE_SECONDS = 10

CELERY = [PYTHON, "-m", "celery", "--quiet", "-A", "config"]
PROCESSES = {
    "web": [PYTHON, "manage.py", "runserver", f"{HOST}:{PORT}"],
    "worker": [
        *CELERY,
        "worker",
        "--loglevel=WARNING",
        "--concurrency=2",
        "--hostname=worker@%h",
    ],
    "beat": [*CELERY, "beat", "--loglevel=WARNING"],
}
SIGNAL_WHOLE_GROUP = {"web", "beat"}


# 0.0.0.0 and :: listen everywhere but are no address to open in a browser or connect to.
EVERYWHERE = {"0.0.0.0", "::", ""}  # noqa: S104


def site_url(host: str, port: str) -> str:
    shown = "127.0.0.1" if host in EVERYWHERE else host
    return f"http://{shown}:{port}/"


def is_listening(host: str, port: str) -> bool:
    target = "127.0.0.1" if host in EVERYWHERE else host
    try:
        with socket.create_connection((target, int(port)), timeout=TICK_SECONDS):
            return True
    except OSError:
        return False


def take_credentials(path: Path = CREDENTIALS_FILE) -> dict | None:
    """The first admin's name and generated password, if ensure_admin just created it; the
    file is deleted once read, so the password is shown this once."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    finally:
        path.unlink(missing_ok=True)
    try:
        credentials = json.loads(text)
    except ValueError:
        return None
    return credentials if isinstance(credentials, dict) else None


def banner(url: str, credentials: dict | None) -> str:
    lines = [f"Warecache is running: {url}", f"API documentation: {url}apidoc/"]
    if credentials and credentials.get("username"):
        username, password = credentials["username"], credentials.get("password")
        if password:
            lines += [
                f"Log in as {username!r} with the password {password}",
                f"(generated and shown this once: change it at {url}account#password)",
            ]
        else:
            lines.append(f"Log in as {username!r} with WARECACHE_ADMIN_PASSWORD.")
    lines.append("Ctrl-C stops the web server, the worker and beat.")
    rule = "─" * max(len(line) for line in lines)
    return "\n".join([rule, *lines, rule])


def stop_all(children: dict[str, subprocess.Popen]) -> None:
    """SIGTERM, then SIGKILL for what is still running after the grace period. Each child
    leads a process group of its own. runserver's server runs in a child of its reloader, so
    the web's whole group is signalled; the worker's pool processes are the worker's to stop
    (signalled themselves, they die mid-shutdown and the worker logs an ERROR for each)."""
    for name, child in children.items():
        if child.poll() is None:
            if name in SIGNAL_WHOLE_GROUP:
                os.killpg(child.pid, signal.SIGTERM)
            else:
                child.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()


def take_the_terminal() -> Callable[[], None]:
    """Make this process's group the terminal's foreground group, so that Ctrl-C reaches it
    alone: make, whose child this is, then never sees SIGINT and does not print
    "make: *** [Makefile: run] Interrupt" over a clean shutdown. Returns what gives the
    terminal back. Without a terminal (output piped, CI) there is nothing to do."""
    try:
        terminal = sys.stdin.fileno()
        previous = os.tcgetpgrp(terminal)
        os.setpgid(0, 0)
        # A process outside the foreground group that changes it gets SIGTTOU: ignore it.
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        os.tcsetpgrp(terminal, os.getpgrp())
    except (OSError, ValueError):
        return lambda: None

    def give_back() -> None:
        with contextlib.suppress(OSError):
            os.tcsetpgrp(terminal, previous)

    return give_back


def main() -> int:
    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    if is_listening(HOST, PORT):
        print(
            f"Something already listens on {HOST}:{PORT}: stop it, or choose another port "
            "with WARECACHE_PORT=…",
            flush=True,
        )
        return 1
    # The children run in sessions of their own, so Ctrl-C reaches only this process, which
    # then stops them in order: no child sees SIGINT and prints a KeyboardInterrupt.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    give_back_the_terminal = take_the_terminal()
    for name, command in PROCESSES.items():
        children[name] = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    exit_code = 0
    announced = False
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with {child.returncode}; stopping the rest.", flush=True)
                exit_code = child.returncode or 1
                stopping = True
                break
        else:
            if not announced and is_listening(HOST, PORT):
                print("\n" + banner(site_url(HOST, PORT), take_credentials()) + "\n", flush=True)
                announced = True
            time.sleep(TICK_SECONDS)
    print("Stopping the web server, the worker and beat…", flush=True)
    stop_all(children)
    print("Stopped.", flush=True)
    give_back_the_terminal()
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
