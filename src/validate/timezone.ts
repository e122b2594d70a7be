let known: Set<string> | undefined;

/** True for an IANA timezone name that both Node (ICU) and Python's zoneinfo accept, in its exact case. */
export function isTimezone(value: string): boolean {
  known ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC', 'GMT']);
  if (known.has(value)) return true;
  try {
    // Aliases (such as Europe/Kiev) are accepted when ICU knows them; case must match exactly.
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
    return /^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+)+$/.test(value) && resolved.toLowerCase() !== '' && value.split('/').every((p) => p[0] === p[0]!.toUpperCase());
  } catch {
    return false;
  }
}
