"""Loads migrated modules under real Dagster and runs the jobs and tests named for each.

Usage: python check_migrated.py <folder> <module>[:job,job@partition,...] ...
   or: python check_migrated.py --cases <cases.json>   ({"<folder>": ["<module>[:jobs]", ...], ...})
Each module is imported from <folder>; its Definitions (or one built from the jobs, schedules
and sensors at its top level) must be loadable; each named job runs in process; each function
named test_* in the module is called, as pytest would. Prints a JSON summary.
With --cases, many folders are checked in this one process (Dagster imported once), each in
isolation (its own working directory, sys.path entry and modules, dropped afterwards), and the
summary is by folder; a folder that fails has {"__error__": <traceback>} instead of its modules.
"""

import importlib.util
import json
import os
import sys
import traceback
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg


def check(folder: Path, specs: list[str]) -> dict:
    summary = {}
    for spec in specs:
        check_module(folder, spec, summary)
    return summary


def check_module(folder: Path, spec: str, summary: dict) -> None:
    name, _, jobs = spec.partition(":")
    if "." in name:
        # A module of a package (its relative imports need the package): imported by its name.
        module = importlib.import_module(name)
    else:
        module_spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
    values = list(vars(module).values())
    defs = next((v for v in values if isinstance(v, dg.Definitions)), None) or dg.Definitions(
        jobs=[v for v in values if isinstance(v, dg.JobDefinition)],
        schedules=[v for v in values if isinstance(v, dg.ScheduleDefinition)],
        sensors=[v for v in values if isinstance(v, dg.SensorDefinition)],
    )
    dg.Definitions.validate_loadable(defs)
    ran = []
    for job_spec in filter(None, jobs.split(",")):
        # job@key runs one partition of a partitioned job
        job_name, _, partition = job_spec.partition("@")
        result = defs.resolve_job_def(job_name).execute_in_process(partition_key=partition or None)
        assert result.success, f"{name}: {job_spec} failed"
        ran.append(job_spec)
    # Every schedule must request runs its job accepts.
    for schedule in defs.schedules or []:
        job = defs.resolve_job_def(schedule.job_name)
        tick = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=datetime.now(timezone.utc)))
        for request in tick.run_requests or []:
            assert dg.validate_run_config(job, request.run_config), f"{name}: {schedule.name}"
    tests = [v for k, v in vars(module).items() if k.startswith("test_") and callable(v)]
    for test in tests:
        test()
    summary[name] = {
        "jobs": sorted(job.name for job in defs.resolve_all_job_defs() if not job.name.startswith("__")),
        "schedules": sorted(s.name for s in defs.schedules or []),
        "sensors": sorted(s.name for s in defs.sensors or []),
        "ran": ran,
        "tests": [t.__name__ for t in tests],
    }


def forget(folder: Path) -> None:
    prefix = str(folder) + os.sep
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(prefix):
            del sys.modules[name]


if sys.argv[1] == "--cases":
    cases = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
    results = {}
    home = os.getcwd()
    for folder_name, specs in cases.items():
        folder = Path(folder_name).resolve()
        saved_path = list(sys.path)
        try:
            os.chdir(folder)
            sys.path.insert(0, str(folder))
            results[folder_name] = check(folder, specs)
        except BaseException as error:  # noqa: BLE001 - one case's failure must not hide the others
            results[folder_name] = {"__error__": "".join(traceback.format_exception(error))[-4000:]}
        finally:
            os.chdir(home)
            sys.path[:] = saved_path
            forget(folder)
    print(json.dumps(results))
else:
    folder = Path(sys.argv[1])
    sys.path.insert(0, str(folder))
    print(json.dumps(check(folder, sys.argv[2:])))
