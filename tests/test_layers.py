"""The layers of DESIGN.md hold: the core imports no app, an app imports only the layers
below it (import-linter contracts in .importlinter, also run by `make lint`)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), str(cwd / ".importlinter"), "--no-cache"],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(pythonpath)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_project_keeps_its_layers():
    result = _lint(ROOT, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def _package(root: Path, dotted: str, source: str = "") -> None:
    path = root.joinpath(*dotted.split("."))
    path.mkdir(parents=True, exist_ok=True)
    (path / "__init__.py").write_text(source)


def test_the_contracts_break_on_an_import_against_the_layers(tmp_path):
    # A miniature project with the same top-level packages and two imports that break the
    # rules: the core importing an app, inventory importing production.
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    for name in ["config", "accounts", "sensors", "production"]:
        _package(tmp_path, name)
    # Every module the contracts name must exist, as in the real project.
    for module in (ROOT / "config").glob("*.py"):
        (tmp_path / "config" / module.name).touch()
    _package(tmp_path, "config.core", "import accounts\n")
    _package(tmp_path, "inventory", "import production\n")
    result = _lint(tmp_path, tmp_path)
    assert result.returncode != 0
    assert "Apps import only the layers below them BROKEN" in result.stdout
    assert "The core imports no app and none of the wiring BROKEN" in result.stdout
    assert "inventory -> production" in result.stdout
