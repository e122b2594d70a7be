/** The platform conventions this CLI generates. Bumped (with a codemod) whenever generated code changes meaning. */
export const CONVENTIONS_VERSION = 5;

/** The Dagster release generated pipelines pin, and the matching release of its libraries. */
export const DAGSTER_VERSION = '1.13.27';

/** The ruff a platform's CI lints and formats with (keep in step with scripts/python-requirements.txt, which the tests use). */
export const RUFF_VERSION = '0.17.5';

export function dagsterLibrariesVersion(dagster: string): string {
  const [major, minor, patch] = dagster.split('.').map(Number);
  // Dagster libraries are versioned 0.(minor+16).patch alongside dagster 1.minor.patch.
  return major === 1 ? `0.${minor + 16}.${patch}` : dagster;
}
