"""Prints how many runs the Dagster instance at $DAGSTER_HOME has recorded, and their job names."""

import json

from dagster import DagsterInstance

with DagsterInstance.get() as instance:
    runs = instance.get_runs()
    print(json.dumps({"count": len(runs), "jobs": sorted(run.job_name for run in runs)}))
