"""Loads many pipelines in every deployment in one process and prints, as JSON, what failed.

Usage: python load_pipelines.py <cases.json>
cases.json: {"pipelines": [[<platform root>, <name>], ...], "deployments": [<name>, ...], "yaml": [<file>, ...]}
Output: {"deployments": {<name>: {"loaded": <count>, "failures": {<root>::<name>: <error>},
                                  "definitions": {<root>::<name>: {"jobs": [...], "schedules": [...], "sensors": [...]}}}},
         "yaml": {<file>: <parsed>}}

For each deployment in turn (PIPELINE_DEPLOYMENT set to it, every pipeline module imported afresh), each
pipeline is loaded as its code location loads it (module <name>.definitions, attribute defs, its src/ on
sys.path), and its definitions resolved: jobs, schedules and sensors built, and each schedule's next tick
computed in its timezone. Dagster and the libraries the pipelines import are imported once. Every src/ goes on sys.path before Dagster is imported, as in a
pipeline's own process, so a pipeline package that shadows a module Dagster imports breaks the load.
Timezones come from the tzdata package only, as in the pipeline images (current tzdata), whatever the
host's zoneinfo holds. The YAML files are read with PyYAML and returned, to compare with the yaml package.
"""

import datetime
import importlib
import json
import os
import sys
import traceback
import zoneinfo
from pathlib import Path

zoneinfo.reset_tzpath([])
cases = json.loads(Path(sys.argv[1]).read_text())
for root, name in cases["pipelines"]:
    sys.path.insert(0, str(Path(root) / "pipelines" / name / "src"))
names = {name for _, name in cases["pipelines"]}

try:
    import dagster as dg
    from dagster._utils.schedules import cron_string_iterator
except Exception:
    failed = {"loaded": 0, "failures": {"import dagster": traceback.format_exc(limit=3)}}
    print(json.dumps({"deployments": dict.fromkeys(cases["deployments"], failed), "yaml": {}}))
    sys.exit(0)

start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).timestamp()
deployments = {}
for deployment in cases["deployments"]:
    os.environ["PIPELINE_DEPLOYMENT"] = deployment
    # The pipelines' own modules are imported again, as a process started in this deployment would.
    for module in [m for m in sys.modules if m.split(".")[0] in names]:
        del sys.modules[module]
    loaded = 0
    failures = {}
    definitions = {}
    for root, name in cases["pipelines"]:
        try:
            defs = importlib.import_module(f"{name}.definitions").defs
            dg.Definitions.validate_loadable(defs)
            repo = defs.get_repository_def()
            jobs = repo.get_all_jobs()
            for schedule in repo.schedule_defs:
                next(cron_string_iterator(start, schedule.cron_schedule, schedule.execution_timezone or "UTC"))
            definitions[f"{root}::{name}"] = {
                "jobs": sorted(job.name for job in jobs if not job.name.startswith("__")),
                "schedules": sorted(schedule.name for schedule in repo.schedule_defs),
                "sensors": sorted(sensor.name for sensor in repo.sensor_defs),
            }
            loaded += 1
        except Exception as error:
            failures[f"{root}::{name}"] = "".join(traceback.format_exception_only(type(error), error)).strip()[-600:]
    deployments[deployment] = {"loaded": loaded, "failures": failures, "definitions": definitions}

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
        {"deployments": deployments, "yaml": parsed},
        default=lambda o: {"__type__": type(o).__name__, "value": str(o)},
    )
)
