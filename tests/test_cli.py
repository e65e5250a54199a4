"""`flask routines check` and the refusal to start on bad content."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from stretch_app.cli import routines_cli

from .helpers import FIXTURE_CONTENT, ROOT

FLASK = str(Path(sys.executable).parent / "flask")


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    target = tmp_path / "routines"
    shutil.copytree(FIXTURE_CONTENT, target)
    path = target / "calf-reset.toml"
    path.write_text(path.read_text().replace("seconds = 30", "seconds = 0"))
    return target


def test_check_passes_on_the_real_content() -> None:
    result = CliRunner().invoke(routines_cli, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")


def test_check_reports_file_and_field(broken: Path) -> None:
    result = CliRunner().invoke(routines_cli, ["check", "--content", str(broken)])
    assert result.exit_code == 1
    expected = "routines/calf-reset.toml: steps[0].seconds: Input should be greater than or equal"
    assert expected in result.output


def _env(content: Path, tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(LIMBER_CONTENT_DIR=str(content), LIMBER_INSTANCE_PATH=str(tmp_path / "inst"))
    env.pop("DATABASE_URL", None)
    return env


def test_flask_command_line_check(broken: Path, tmp_path: Path) -> None:
    proc = subprocess.run(
        [FLASK, "--app", "stretch_app", "routines", "check"],
        cwd=ROOT, env=_env(broken, tmp_path), capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert "routines/calf-reset.toml: steps[0].seconds:" in proc.stdout


def test_server_refuses_to_start_on_bad_content(broken: Path, tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.run(
        [FLASK, "--app", "stretch_app", "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT, env=_env(broken, tmp_path), capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert "routines/calf-reset.toml: steps[0].seconds:" in proc.stderr
    assert "Traceback" not in proc.stderr
