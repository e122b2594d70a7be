"""Validates a deployment's dagster.yaml the way Dagster does when it builds the instance.

Usage: python check_instance.py <folder holding dagster.yaml>
   or: python check_instance.py --json <folder> <folder> ...
First the instance schema (dagster_instance_config), then each configurable class's own config
schema (run launcher, run coordinator, Postgres storage), with the launcher packages imported for
real. Classes are not constructed: that would need Docker, Postgres or an AWS account.
Exits 1 with the errors on stderr when anything fails. With --json, every folder is checked in this
one process (Dagster and the launcher packages imported once) and the result printed as JSON:
{"<folder>": {"lines": [what the single form prints], "errors": [...]}}, exit 0.
"""

import importlib
import json
import os
import sys
import traceback

from dagster._config import process_config, resolve_to_config_type
from dagster._core.instance.config import dagster_instance_config

# Placeholders for the {env: ...} values the files read: validation resolves them.
for name in ("DAGSTER_POSTGRES_USER", "DAGSTER_POSTGRES_PASSWORD", "DAGSTER_POSTGRES_HOST", "DAGSTER_POSTGRES_DB"):
    os.environ.setdefault(name, "placeholder")
os.environ.setdefault("DAGSTER_POSTGRES_PORT", "5432")


def check_class(section: str, module: str, class_name: str, class_config, lines: list, errors: list) -> None:
    cls = getattr(importlib.import_module(module), class_name)
    result = process_config(resolve_to_config_type(cls.config_type()), class_config or {})
    if not result.success:
        errors.extend(f"{section}: {error.message}" for error in result.errors)
    lines.append(
        f"{section}: {module}.{class_name} ok" if result.success else f"{section}: {module}.{class_name} FAILED"
    )


def check(folder: str) -> tuple[list, list]:
    lines: list = []
    errors: list = []
    config, _custom_instance_class = dagster_instance_config(folder)
    for section in (
        "run_launcher",
        "run_coordinator",
        "compute_logs",
        "run_storage",
        "event_log_storage",
        "schedule_storage",
    ):
        entry = config.get(section)
        if entry:
            check_class(section, entry["module"], entry["class"], entry.get("config"), lines, errors)
    storage = config.get("storage") or {}
    if "postgres" in storage:
        check_class("storage", "dagster_postgres", "DagsterPostgresStorage", storage["postgres"], lines, errors)
    return lines, errors


if sys.argv[1] == "--json":
    results = {}
    for folder in sys.argv[2:]:
        try:
            lines, errors = check(folder)
        except Exception as error:  # noqa: BLE001 - an invalid file is a result, as in the single form
            lines, errors = [], ["".join(traceback.format_exception_only(type(error), error)).strip()]
        results[folder] = {"lines": lines, "errors": errors}
    print(json.dumps(results))
else:
    lines, errors = check(sys.argv[1])
    print("\n".join(lines))
    if errors:
        print("\n".join(errors), file=sys.stderr)
        sys.exit(1)
