"""What every benchmark script shares: the checkout's root, a scratch PostgreSQL database, ``manage.py``."""

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def recreate(url: str) -> None:
    """Drop and create the database of ``url``; only a database whose name says it is a benchmark's."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop a database whose name lacks 'bench': {name}")
    admin = urlunsplit(parts._replace(path="/postgres"))
    subprocess.run(["psql", admin, "-qc", f'drop database if exists "{name}" with (force)'], check=True)
    subprocess.run(["psql", admin, "-qc", f'create database "{name}"'], check=True)


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)
