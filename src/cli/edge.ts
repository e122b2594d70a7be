// The one place where errors meet the user. A CliError prints its one-line message and exits with
// its code; anything else is a bug: full stack, exit 1.
import { CliError, EXIT } from '../errors.ts';
import { flushed, print, printError } from '../output.ts';

export async function runAtEdge(program: string, json: boolean, main: () => Promise<number | void>): Promise<never> {
  let code: number;
  try {
    code = (await main()) ?? EXIT.ok;
  } catch (error) {
    if (isPromptExit(error)) {
      printError(`${program}: cancelled; nothing was written\n`);
      code = 130;
    } else if (error instanceof CliError) {
      printError(`${program}: error: ${error.message}\n`);
      if (json) printJson({ ok: false, error: error.message, exitCode: error.exitCode });
      code = error.exitCode;
    } else {
      printError(
        `${program}: internal error (a bug; please report it with this trace):\n${(error as Error)?.stack ?? String(error)}\n`,
      );
      if (json) printJson({ ok: false, error: String((error as Error)?.message ?? error), exitCode: EXIT.failure });
      code = EXIT.failure;
    }
  }
  process.exitCode = code;
  // Let stdout drain before leaving (pipes in scripts and CI).
  await flushed();
  process.exit(code);
}

/** The error as JSON on stdout; when stdout cannot be written (a full disk), the line on stderr says so alone. */
function printJson(value: object): void {
  try {
    print(`${JSON.stringify(value)}\n`);
  } catch {}
}

function isPromptExit(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}
