"""Loads many pipelines in one process and prints, as JSON, what failed (empty when all loaded).

Usage: PIPELINE_DEPLOYMENT=<name> python load_pipelines.py <cases.json>
cases.json: {"pipelines": [[<platform root>, <name>], ...], "yaml": [<file>, ...]}

Each pipeline is loaded as its code location loads it (module <name>.definitions, attribute defs, its
src/ on sys.path), and its definitions resolved: jobs, schedules and sensors built, and each schedule's
next tick computed in its timezone. Every src/ goes on sys.path before Dagster is imported, as in a
pipeline's own process, so a pipeline package that shadows a module Dagster imports breaks the load.
Timezones come from the tzdata package only, as in the pipeline images (current tzdata), whatever the
host's zoneinfo holds. The YAML files are read with PyYAML and returned, to compare with the yaml package.
"""

import datetime
import importlib
import json
import sys
import traceback
import zoneinfo
from pathlib import Path

zoneinfo.reset_tzpath([])
cases = json.loads(Path(sys.argv[1]).read_text())
for root, name in cases["pipelines"]:
    sys.path.insert(0, str(Path(root) / "pipelines" / name / "src"))

failures = {}
try:
    import dagster as dg
    from dagster._utils.schedules import cron_string_iterator
except Exception:
    print(json.dumps({"failures": {"import dagster": traceback.format_exc(limit=3)}, "yaml": {}}))
    sys.exit(0)

start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
loaded = 0
for root, name in cases["pipelines"]:
    try:
        defs = importlib.import_module(f"{name}.definitions").defs
        dg.Definitions.validate_loadable(defs)
        repo = defs.get_repository_def()
        repo.get_all_jobs()
        for schedule in repo.schedule_defs:
            next(cron_string_iterator(start, schedule.cron_schedule, schedule.execution_timezone or "UTC"))
        loaded += 1
    except Exception as error:
        failures[f"{root}::{name}"] = "".join(traceback.format_exception_only(type(error), error)).strip()[-600:]

parsed = {}
import yaml  # noqa: E402

for file in cases.get("yaml", []):
    try:
        parsed[file] = yaml.safe_load(Path(file).read_text(encoding="utf-8"))
    except Exception as error:
        parsed[file] = {"__error__": str(error).splitlines()[0]}

# Values JSON has no type for (dates, bytes ...) stay recognisable: they never equal a string.
print(
    json.dumps(
        {"loaded": loaded, "failures": failures, "yaml": parsed},
        default=lambda o: {"__type__": type(o).__name__, "value": str(o)},
    )
)
