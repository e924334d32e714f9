"""Headless Chromium for tests of the pages the tool writes.

Debian's `chromium` (installed by .ci/run); nothing downloads a browser.
Tests that need it skip, saying why, where it is absent.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--allow-file-access-from-files", "--virtual-time-budget=2000"]

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium (Debian `chromium`) is not installed")


def dump_dom(page: Path) -> str:
    """The DOM of `page` after the browser has rendered it (scripts run)."""
    done = subprocess.run([CHROMIUM, *FLAGS, "--dump-dom", page.resolve().as_uri()],
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def screenshot(page: Path, png: Path, size: str = "1280,1600") -> Path:
    """A PNG of `page` as the browser draws it."""
    subprocess.run([CHROMIUM, *FLAGS, f"--window-size={size}", f"--screenshot={png.resolve()}",
                    page.resolve().as_uri()], capture_output=True, timeout=120, check=True)
    return png
