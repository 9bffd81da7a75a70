"""The terminal demo works with no token and no network."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_the_demo_chats_in_the_terminal(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        input="1\n1\n/quit\n",
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Merhaba Demo!" in out
    assert "[1] 📅 Etkinlikler" in out
    assert "Yaklaşan etkinlikler" in out  # button 1 pressed
    assert "Yalın Üretim ve Verimlilik Eğitimi" in out  # event 1 opened
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()  # the demo database is temporary
