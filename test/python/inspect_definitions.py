"""Prints, as JSON, what each pipeline's code location exposes in the current deployment.

Usage: PIPELINE_DEPLOYMENT=<name> python inspect_definitions.py <platform root> <pipeline>...
Loads each pipeline the way its workspace entry does (module <name>.definitions, attribute defs).
"""

import importlib
import json
import sys
from pathlib import Path

root = Path(sys.argv[1])
result = {}
for name in sys.argv[2:]:
    sys.path.insert(0, str(root / "pipelines" / name / "src"))
    defs = importlib.import_module(f"{name}.definitions").defs
    result[name] = {
        "jobs": sorted(job.name for job in defs.resolve_all_job_defs() if not job.name.startswith("__")),
        "job_tags": {
            job.name: dict(sorted(job.tags.items()))
            for job in defs.resolve_all_job_defs()
            if not job.name.startswith("__")
        },
        "schedules": sorted(schedule.name for schedule in defs.schedules or []),
        "sensors": sorted(sensor.name for sensor in defs.sensors or []),
    }
print(json.dumps(result))
