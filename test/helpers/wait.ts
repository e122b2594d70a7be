// Waiting for something outside the test (a build, a server, a terminal) the way a busy machine needs:
// no deadline of its own, so a right program is never failed for being slow (a hung wait ends with
// the test's own timeout), and a line on stderr every 15 s says what it is still waiting for.

const SAY_EVERY_MS = 15_000;

/**
 * Calls `ready` every `everyMs` until it returns something other than undefined, and returns that.
 * `ready` throws to give up (the thing waited for failed, or a limit of the caller's own passed); it
 * gets the seconds waited so far. Every 15 s: `waiting for <what> (<n> s so far)`, then `: <detail()>`.
 */
export async function waitUntil<T>(
  what: string,
  everyMs: number,
  ready: (seconds: number) => T | undefined | Promise<T | undefined>,
  detail?: () => string,
): Promise<T> {
  const started = Date.now();
  let said = started;
  for (;;) {
    const value = await ready((Date.now() - started) / 1000);
    if (value !== undefined) return value;
    if (Date.now() - said >= SAY_EVERY_MS) {
      said = Date.now();
      const more = detail ? `: ${detail()}` : '';
      console.error(`waiting for ${what} (${Math.round((said - started) / 1000)} s so far)${more}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Whether `url` answers with a 2xx status now (false while nothing listens). */
export async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}
