"""Loads migrated modules under real Dagster and runs the jobs and tests named for each.

Usage: python check_migrated.py <folder> <module>[:job,job@partition,...] ...
Each module is imported from <folder>; its Definitions (or one built from the jobs, schedules
and sensors at its top level) must be loadable; each named job runs in process; each function
named test_* in the module is called, as pytest would. Prints a JSON summary.
"""

import importlib.util
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import dagster as dg

folder = Path(sys.argv[1])
sys.path.insert(0, str(folder))
summary = {}
for spec in sys.argv[2:]:
    name, _, jobs = spec.partition(":")
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
print(json.dumps(summary))
