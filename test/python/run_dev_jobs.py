"""Runs a pipeline's dev jobs for real, then initialises its prod mode's resources.

Usage: python run_dev_jobs.py <pipeline src folder> <package> <dev job>... -- <prod job>...
Run in the pipeline's own environment, with PIPELINE_DEPLOYMENT=dev, DAGSTER_HOME holding the
deployment's dagster.yaml (and the variables it reads), the buckets and boto3's variables set.

Each dev job runs with ``dagster.execute_job`` on the instance at $DAGSTER_HOME: out of process,
every step in its own subprocess, so each step initialises the mode's resources as a deployed run
does. Then prod: the prod deployment's definitions, the prod jobs' resources built with only
prod's variables (the dev bucket variable is removed first), and the keys the prod store lists.
Prints one JSON object.
"""

import importlib
import json
import os
import sys

import dagster as dg
from dagster._core.definitions.reconstruct import ReconstructableRepository


def is_failure(entry) -> bool:
    event = entry.dagster_event
    return bool(entry.error_info or (event and (event.is_failure or event.is_run_failure)))


def failure(entry) -> str:
    """A failed step's or run's message, with its error (most recent call last)."""
    event = entry.dagster_event
    error = entry.error_info
    if event and event.is_step_failure:
        error = event.step_failure_data.error
    elif event and event.is_run_failure and event.job_failure_data:
        error = event.job_failure_data.error or error
    detail = f"\n{error.to_string()}" if error else ""
    return f"{entry.step_key or 'run'}: {entry.message or (event.message if event else '')}{detail}"


def main() -> None:
    # Step subprocesses re-import this file (multiprocessing), so the work happens only here.
    src, package, *rest = sys.argv[1:]
    split = rest.index("--")
    dev_jobs, prod_jobs = rest[:split], rest[split + 1 :]
    report = {"runs": [], "prod": []}

    with dg.DagsterInstance.get() as instance:
        report["run_storage"] = type(instance.run_storage).__name__
        repository = ReconstructableRepository.for_module(f"{package}.definitions", "defs", working_directory=src)
        for name in dev_jobs:
            result = dg.execute_job(repository.get_reconstructable_job(name), instance)
            run = instance.get_run_by_id(result.run_id)
            report["runs"].append(
                {
                    "job": name,
                    "run_id": result.run_id,
                    "success": result.success,
                    "status": run.status.value if run else None,
                    "tags": dict(run.tags) if run else {},
                    "failures": [failure(entry) for entry in instance.all_logs(result.run_id) if is_failure(entry)],
                }
            )

    del os.environ["PIPELINE_DEV_BUCKET"]
    definitions = importlib.import_module(f"{package}.definitions")
    prod = definitions.build_definitions("prod")
    for name in prod_jobs:
        store = prod.resolve_job_def(name).resource_defs["store"]
        with dg.build_resources({"store": store}) as resources:
            report["prod"].append(
                {"job": name, "store": resources.store.describe(), "keys": sorted(resources.store.list_keys(""))}
            )

    print(json.dumps(report))


if __name__ == "__main__":
    main()
