"""`make run`: the web server, a Celery worker and Celery beat, stopped together by Ctrl-C.

If any of them exits, the others are stopped too, so a broken worker is never hidden behind a
running web server."""

import os
import signal
import subprocess
import sys
import time

PYTHON = sys.executable
HOST = os.environ.get("WARECACHE_HOST", "127.0.0.1")
PORT = os.environ.get("WARECACHE_PORT", "8000")

PROCESSES = {
    "web": [PYTHON, "manage.py", "runserver", f"{HOST}:{PORT}"],
    "worker": [
        PYTHON,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--loglevel=INFO",
        "--concurrency=2",
        "--hostname=worker@%h",
    ],
    "beat": [PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO"],
}


def main() -> int:
    children: dict[str, subprocess.Popen] = {}
    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for name, command in PROCESSES.items():
        children[name] = subprocess.Popen(command, start_new_session=True)
    print(
        f"Warecache is running: http://{HOST}:{PORT}/  (API docs: /apidoc/, Ctrl-C stops)",
        flush=True,
    )
    exit_code = 0
    while not stopping:
        for name, child in children.items():
            if child.poll() is not None:
                print(f"{name} exited with {child.returncode}; stopping the rest.", flush=True)
                exit_code = child.returncode or 1
                stopping = True
                break
        time.sleep(0.5)
    for child in children.values():
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    for child in children.values():
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
    print("Stopped.", flush=True)
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
