"""Writes src/validate/python-names.ts and src/validate/tzdata.ts: the facts the input rules
(src/validate/) take from Python, Dagster and PyYAML, read from the real thing rather than typed in.

Run it with the test venv's Python (real Dagster, its dependencies, tzdata and PyYAML), naming any
other CPython the generated pipelines may run on, so the standard-library list covers them all:

    .cache/venv/bin/python scripts/python-names.py /root/.pyenv/versions/3.1{0,2,3}.*/bin/python3

It emits:
- Python's keywords and soft keywords, and its standard-library modules (union over the interpreters);
- the top-level import names of every distribution installed in the venv (a pipeline package of that
  name would shadow it, so `import dagster` fails), and the distributions' own names (a pipeline's
  distribution of that name would replace it on install);
- Dagster's DISALLOWED_NAMES and its rule for strict tag values (asset tags such as the owner);
- PyYAML's implicit resolvers: the plain scalars a YAML 1.1 reader does not read as strings;
- the names `from dagster import` finds (src/upgrade/codemods/legacy-dagster/dagster-exports.ts);
- the timezones of the tzdata package (zoneinfo without the system's zoneinfo folder): what Dagster's
  ZoneInfo accepts in the pipeline images, whatever the host has.
"""

import importlib.metadata
import json
import keyword
import pkgutil
import re
import site
import subprocess
import sys
import zoneinfo
from pathlib import Path

import dagster
import yaml.resolver
from dagster._core.definitions.utils import DISALLOWED_NAMES
from dagster._utils.tags import VALID_STRICT_TAG_VALUE_REGEX

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "validate"
CODEMOD = ROOT / "src" / "upgrade" / "codemods" / "legacy-dagster"
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
PROBE = "import json, keyword, sys; print(json.dumps([list(sys.version_info[:2]), keyword.kwlist + keyword.softkwlist, sorted(sys.stdlib_module_names)]))"


def interpreter_names(python):
    out = subprocess.run([python, "-c", PROBE], check=True, capture_output=True, text=True).stdout
    version, keywords, stdlib = json.loads(out)
    return f"{version[0]}.{version[1]}", set(keywords), set(stdlib)


# Tools the test venv has that a pipeline's environment does not (the platform's CI runs ruff on
# its own): not names a pipeline would shadow.
TEST_ONLY = {"ruff"}


def installed_modules():
    """Top-level import names in site-packages, by the distribution that installs them."""
    owners, test_only = {}, set()
    for name, dists in importlib.metadata.packages_distributions().items():
        if set(dists) <= TEST_ONLY:
            test_only.add(name)
            continue
        owners[name] = sorted(set(dists))[0]
    for module in pkgutil.iter_modules(site.getsitepackages()):
        if module.name not in test_only:
            owners.setdefault(module.name, "(no distribution)")
    return {name: dist for name, dist in owners.items() if IDENTIFIER.match(name)}


def normalized(dist):
    return re.sub(r"[-_.]+", "-", dist).lower()


def js_regex(pattern, flags):
    """A Python regex as a JS one: drops the insignificant whitespace of re.VERBOSE patterns."""
    if flags & re.VERBOSE:
        out, in_class, escaped = [], False, False
        for ch in pattern:
            if escaped:
                out.append(ch)
                escaped = False
            elif ch == "\\":
                out.append(ch)
                escaped = True
            elif ch == "[":
                in_class = True
                out.append(ch)
            elif ch == "]":
                in_class = False
                out.append(ch)
            elif ch.isspace() and not in_class:
                continue
            else:
                out.append(ch)
        pattern = "".join(out)
    return pattern


def yaml_resolvers():
    """Each resolver's tag, pattern and the first characters PyYAML tries it for ('' is the empty scalar)."""
    seen, firsts = {}, {}
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        for tag, regexp in resolvers:
            name = tag.rsplit(":", 1)[-1]
            seen[name] = js_regex(regexp.pattern, regexp.flags)
            firsts.setdefault(name, set()).add(first or "")
    return [(name, rx, sorted(firsts[name])) for name, rx in sorted(seen.items())]


def ts_set(items, per_line=8):
    items = sorted(items)
    lines = [", ".join(json.dumps(i) for i in items[n : n + per_line]) + "," for n in range(0, len(items), per_line)]
    return "new Set([\n" + "\n".join(f"  {line}" for line in lines) + "\n])"


def main():
    versions, keywords, stdlib = {f"{sys.version_info[0]}.{sys.version_info[1]}"}, set(keyword.kwlist + keyword.softkwlist), set(sys.stdlib_module_names)
    for python in sys.argv[1:]:
        version, more_keywords, more_stdlib = interpreter_names(python)
        versions.add(version)
        keywords |= more_keywords
        stdlib |= more_stdlib
    modules = installed_modules()
    distributions = {normalized(d.metadata["Name"]) for d in importlib.metadata.distributions()} - TEST_ONLY
    tag_value = VALID_STRICT_TAG_VALUE_REGEX.pattern
    python_versions = ", ".join(sorted(versions, key=lambda v: tuple(map(int, v.split(".")))))

    names = f"""// Generated by scripts/python-names.py from CPython {python_versions}, Dagster {dagster.__version__} and the
// packages of the test venv; do not edit (regenerate: see the script's docstring).

/** Python's keywords and soft keywords: a pipeline package may not be named after one. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = {ts_set(keywords)};

/** Python's standard-library top-level modules (sys.stdlib_module_names). */
export const PYTHON_STDLIB: ReadonlySet<string> = {ts_set(stdlib)};

/** Top-level modules installed next to a pipeline (Dagster and its dependencies), by distribution. */
export const INSTALLED_MODULES: Readonly<Record<string, string>> = {{
{chr(10).join(f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in sorted(modules.items()))}
}};

/** The installed distributions' names, normalised (PEP 503). */
export const INSTALLED_DISTRIBUTIONS: ReadonlySet<string> = {ts_set(distributions, 6)};

/** Dagster's DISALLOWED_NAMES (dagster._core.definitions.utils): no definition may be named so. */
export const DAGSTER_DISALLOWED_NAMES: ReadonlySet<string> = {ts_set(DISALLOWED_NAMES)};

/** Dagster's rule for strict tag values (asset tags): dagster._utils.tags.VALID_STRICT_TAG_VALUE_REGEX. */
export const DAGSTER_STRICT_TAG_VALUE = /{tag_value}/;

/**
 * PyYAML's implicit resolvers: a plain scalar matching one is read as that type, not as a string.
 * Each with the first characters PyYAML tries it for ('' is the empty scalar), as PyYAML does.
 */
export const PYYAML_IMPLICIT: ReadonlyArray<readonly [string, RegExp, readonly string[]]> = [
{chr(10).join(f"  [{json.dumps(tag)}, /{rx}/, {json.dumps(first)}]," for tag, rx, first in yaml_resolvers())}
];
"""
    (OUT / "python-names.ts").write_text(names)

    zoneinfo.reset_tzpath([])  # the tzdata package only, as in the pipeline images
    zones = zoneinfo.available_timezones()
    import tzdata

    tz = f"""// Generated by scripts/python-names.py from the tzdata package {tzdata.IANA_VERSION} (Python's zoneinfo without
// the host's zoneinfo folder); do not edit.

/** The timezones Dagster's ZoneInfo accepts where zoneinfo reads the tzdata package. */
export const TZDATA_ZONES: ReadonlySet<string> = {ts_set(zones, 5)};
"""
    (OUT / "tzdata.ts").write_text(tz)
    exports = dagster_exports()
    (CODEMOD / "dagster-exports.ts").write_text(f"""// Generated by scripts/python-names.py from Dagster {dagster.__version__}; do not edit.

/**
 * What `from dagster import X` finds in Dagster {dagster.__version__}: the package's public names and
 * its submodules. A 0.x name missing here fails the import of a module that keeps it.
 */
export const DAGSTER_EXPORTS: ReadonlySet<string> = {ts_set(exports, 6)};
""")
    print(f"wrote {OUT / 'python-names.ts'} ({len(modules)} modules, {len(stdlib)} stdlib), {OUT / 'tzdata.ts'} ({len(zones)} zones) and {CODEMOD / 'dagster-exports.ts'} ({len(exports)} names)")


def dagster_exports():
    """The names `from dagster import X` binds: dir(dagster) (its __dir__) and its submodules."""
    names = {n for n in dir(dagster) if not n.startswith("_")}
    return names | {m.name for m in pkgutil.iter_modules(dagster.__path__) if not m.name.startswith("_")}


if __name__ == "__main__":
    main()
