"""Loads many (pipeline project, deployment) cases in one Python process; writes what each exposes as JSON.

Usage: python load_many.py <cases.json> <out.json>
       python load_many.py --serve   (test/helpers/load-many.ts: one server per test worker)
cases.json: {"cases": [{"project": <pipeline dir>, "env": {"PIPELINE_DEPLOYMENT": "prod", ...},
                        "execute": [<job name>, ...]}, ...]}
out.json: {"results": [{"project", "env", "ok", "error", "jobs", "job_tags", "job_resources",
                        "schedules", "sensors", "executions"}, ...]} in the order of the cases.

Each case is loaded the way its code location loads it (`dg check defs`, a code server): module
<package>.definitions of the project's src/ (the package is the project folder's name unless the case
names "package"), attribute ``defs``, validated and resolved. Dagster is imported once, which is what
saves the 2 to 4 s of CPU a process per case costs. Cases are isolated: before and after each one,
every module loaded from the project's folder is dropped from sys.modules, its src/ is taken off
sys.path, and the environment is restored, so a pipeline that reads PIPELINE_DEPLOYMENT at import
time sees each case's value. A load error is reported with its traceback, never raised, so one broken
case does not hide the others. ``execute`` runs those jobs in process (an ephemeral instance) and
reports whether each succeeded. Whatever a pipeline prints goes to stderr; stdout is unused.

``--serve`` imports Dagster once for a whole test worker: it reads one request a line on stdin
({"id", "input", "output", "log", "cwd", "env"}), loads its cases in a fork of itself (so nothing a
request imports or changes outlives it) with that working folder and environment, its stdout and
stderr in the file "log", and answers {"id", "code"} (the fork's exit code) on stdout. It ends when
stdin closes, as it does when the worker ends.
"""

import contextlib
import importlib
import json
import os
import sys
import traceback
from pathlib import Path

# Modules known not to be any project's (Dagster, the standard library, what pipelines import from the
# venv): checked once, then skipped, so dropping a case's modules costs only what that case added.
shared: set[str] = set()


def forget(src: Path, package: str) -> None:
    """Drops every module loaded from the project's src/ (and its package, by name) from sys.modules."""
    prefix = str(src) + os.sep
    for name in [n for n in sys.modules if n not in shared]:
        module = sys.modules[name]
        paths = [getattr(module, "__file__", None) or "", *(getattr(module, "__path__", None) or [])]
        if name == package or name.startswith(package + ".") or any(str(p).startswith(prefix) for p in paths):
            del sys.modules[name]
        else:
            shared.add(name)
    importlib.invalidate_caches()


def describe(dg, defs, execute: list[str]) -> dict:
    dg.Definitions.validate_loadable(defs)
    jobs = [job for job in defs.resolve_all_job_defs() if not job.name.startswith("__")]
    executions = {}
    for name in execute:
        try:
            result = defs.resolve_job_def(name).execute_in_process(raise_on_error=False)
            failures = [
                f"{event.step_key}: {event.event_specific_data.error.message.strip()}"
                for event in result.all_events
                if event.is_step_failure
            ]
            executions[name] = {"success": result.success, "failures": failures}
        except Exception:  # noqa: BLE001 - reported, never raised
            executions[name] = {"success": False, "failures": [traceback.format_exc()[-3000:]]}
    return {
        "jobs": sorted(job.name for job in jobs),
        "job_tags": {job.name: dict(sorted(job.tags.items())) for job in jobs},
        "job_resources": {job.name: sorted(job.resource_defs) for job in jobs},
        "schedules": sorted(schedule.name for schedule in defs.schedules or []),
        "sensors": sorted(sensor.name for sensor in defs.sensors or []),
        "executions": executions,
    }


def load(dg, case: dict) -> dict:
    project = Path(case["project"]).resolve()
    src = project / "src"
    package = case.get("package") or project.name
    env = {key: str(value) for key, value in (case.get("env") or {}).items()}
    saved_env = dict(os.environ)
    saved_path = list(sys.path)
    out = {"project": str(project), "env": env, "ok": False, "error": None}
    forget(src, package)
    try:
        os.environ.update(env)
        sys.path.insert(0, str(src))
        defs = importlib.import_module(f"{package}.definitions").defs
        out.update(describe(dg, defs, case.get("execute") or []))
        out["ok"] = True
    except BaseException as error:  # noqa: BLE001 - a SystemExit in a pipeline is a load error too
        out["error"] = "".join(traceback.format_exception(type(error), error, error.__traceback__))[-4000:]
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.path[:] = saved_path
        forget(src, package)
    return out


def load_file(dg, cases_path: str, out_path: str) -> None:
    cases = json.loads(Path(cases_path).read_text(encoding="utf-8"))["cases"]
    with contextlib.redirect_stdout(sys.stderr):
        results = [load(dg, case) for case in cases]
    Path(out_path).write_text(json.dumps({"results": results}), encoding="utf-8")


def serve(dg) -> None:
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(log, 1)
                os.dup2(log, 2)
                os.chdir(request["cwd"])
                os.environ.clear()
                os.environ.update(request["env"])
                load_file(dg, request["input"], request["output"])
                code = 0
            except BaseException:  # noqa: BLE001 - the exit code and the log say it
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        sys.stdout.write(json.dumps({"id": request["id"], "code": os.waitstatus_to_exitcode(status)}) + "\n")
        sys.stdout.flush()


def main() -> None:
    with contextlib.redirect_stdout(sys.stderr):
        import dagster as dg
    if sys.argv[1:] == ["--serve"]:
        serve(dg)
    else:
        load_file(dg, sys.argv[1], sys.argv[2])


if __name__ == "__main__":
    main()
