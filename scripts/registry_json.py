"""Write `citecheck/publishers/registry.json`: the built-in registry's TOML as JSON, which loads
in milliseconds (`publishers.registry._builtin`). Run it after editing `registry.toml`; a test
fails until you do.

    .venv/bin/python scripts/registry_json.py
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[1] / "citecheck" / "publishers"


def made() -> str:
    """The JSON text for the current `registry.toml`."""
    data = (FOLDER / "registry.toml").read_bytes()
    document = tomllib.loads(data.decode("utf-8"))
    made = {
        "comment": "Generated from registry.toml by scripts/registry_json.py: edit the TOML.",
        "source_sha256": hashlib.sha256(data).hexdigest(),
        "document": document,
    }
    return json.dumps(made, ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    (FOLDER / "registry.json").write_text(made(), encoding="utf-8")


if __name__ == "__main__":
    main()
