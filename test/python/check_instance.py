"""Validates a deployment's dagster.yaml the way Dagster does when it builds the instance.

Usage: python check_instance.py <folder holding dagster.yaml>
First the instance schema (dagster_instance_config), then each configurable class's own config
schema (run launcher, run coordinator, Postgres storage), with the launcher packages imported for
real. Classes are not constructed: that would need Docker, Postgres or an AWS account.
Exits 1 with the errors on stderr when anything fails.
"""

import importlib
import os
import sys

from dagster._config import process_config, resolve_to_config_type
from dagster._core.instance.config import dagster_instance_config

folder = sys.argv[1]
# Placeholders for the {env: ...} values the files read: validation resolves them.
for name in ("DAGSTER_POSTGRES_USER", "DAGSTER_POSTGRES_PASSWORD", "DAGSTER_POSTGRES_HOST", "DAGSTER_POSTGRES_DB"):
    os.environ.setdefault(name, "placeholder")
os.environ.setdefault("DAGSTER_POSTGRES_PORT", "5432")

config, _custom_instance_class = dagster_instance_config(folder)
errors = []


def check_class(section: str, module: str, class_name: str, class_config) -> None:
    cls = getattr(importlib.import_module(module), class_name)
    result = process_config(resolve_to_config_type(cls.config_type()), class_config or {})
    if not result.success:
        errors.extend(f"{section}: {error.message}" for error in result.errors)
    print(f"{section}: {module}.{class_name} ok" if result.success else f"{section}: {module}.{class_name} FAILED")


for section in ("run_launcher", "run_coordinator", "compute_logs", "run_storage", "event_log_storage", "schedule_storage"):
    entry = config.get(section)
    if entry:
        check_class(section, entry["module"], entry["class"], entry.get("config"))

storage = config.get("storage") or {}
if "postgres" in storage:
    check_class("storage", "dagster_postgres", "DagsterPostgresStorage", storage["postgres"])

if errors:
    print("\n".join(errors), file=sys.stderr)
    sys.exit(1)
