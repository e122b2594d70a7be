let known: Set<string> | undefined;

/**
 * True for an IANA timezone name that Node (ICU) and Python's zoneinfo both accept, in its exact
 * case: a canonical name, or an alias ICU knows (such as Europe/Kiev) written Area/Location.
 */
export function isTimezone(value: string): boolean {
  known ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT']);
  if (known.has(value)) return true;
  if (!/^[A-Z][A-Za-z]*(?:\/[A-Z][A-Za-z0-9_+-]*)+$/.test(value)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
