// Timezones: a schedule's execution_timezone must load in Dagster (Python's zoneinfo, which in the
// pipeline images reads the tzdata package) and in Node (ICU), which formats times for the report.
// ICU still knows names tzdata dropped (US/Pacific-New, SystemV/AST4): local runs, which may read
// the host's older zoneinfo, accept them, and compose/dev/prod refuse them. So the rule is the
// tzdata package's list (generated into tzdata.ts), in its exact case, where ICU agrees.
import { TZDATA_ZONES } from './tzdata.ts';

function icuAccepts(value: string): boolean {
  // ECMA-402 requires every implementation to know UTC; asking ICU loads its time zone data, which
  // costs a generation with the default timezone about a tenth of its start-up.
  if (value === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** True for an IANA timezone name that Dagster (zoneinfo with tzdata) and Node (ICU) both accept. */
export function isTimezone(value: string): boolean {
  return TZDATA_ZONES.has(value) && icuAccepts(value);
}

/** Why this is not a usable timezone, or undefined. */
export function timezoneProblem(value: string): string | undefined {
  if (isTimezone(value)) return undefined;
  const sameCase = [...TZDATA_ZONES].find((zone) => zone.toLowerCase() === value.toLowerCase());
  if (sameCase && sameCase !== value && icuAccepts(sameCase))
    return `is not an IANA timezone as written; write it ${sameCase}`;
  // In tzdata but not in ICU (Factory: "local time zone must be set"): no place has it.
  if (sameCase) return 'is not the timezone of a place; use a name such as UTC, Europe/Berlin or America/New_York';
  if (icuAccepts(value))
    return 'is an old timezone name that current tzdata (and so Dagster in the pipeline images) no longer has; use its current name, such as America/Los_Angeles for US/Pacific-New';
  return 'is not an IANA timezone; use a name such as UTC, Europe/Berlin or America/New_York';
}
