// `pipeline sandbox ui`: the Dagster webserver on the sandbox's own instance (its DAGSTER_HOME),
// loading every pipeline of the platform in sandbox mode, on a loopback port. The URL is printed
// once the server answers; Ctrl-C (SIGINT) or SIGTERM stops it.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { CliError, EXIT, InputError } from '../errors.ts';
import { repositoryCache } from '../paths.ts';
import { folder, type SandboxContext } from './sandbox.ts';

export interface UiOptions {
  port?: number;
  python?: string;
  pipeline?: string;
  env: Record<string, string>;
  /** Called with the URL once the webserver answers. */
  onReady: (url: string) => void;
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** dagster-webserver beside --python, else in a pipeline's venv, else in the repository's dev venv (a checkout of this CLI), else on PATH. */
function findWebserver(root: string, pipelines: string[], python?: string): string {
  const candidates = [
    ...(python ? [join(dirname(python), 'dagster-webserver')] : []),
    ...pipelines.map((p) => join(root, 'pipelines', p, '.venv', 'bin', 'dagster-webserver')),
  ];
  const cache = repositoryCache();
  if (cache) candidates.push(join(cache, 'venv', 'bin', 'dagster-webserver'));
  return candidates.find((c) => existsSync(c)) ?? 'dagster-webserver';
}

/** The pythons: --python, else the pipeline's venv, else the webserver's own. */
function workspace(ctx: SandboxContext, pipelines: string[], webserver: string, python?: string): string {
  const file = join(folder(ctx.root, ctx.name), 'workspace.yaml');
  const load_from = pipelines.map((p) => {
    const venv = join(ctx.root, 'pipelines', p, '.venv', 'bin', 'python');
    const executable =
      python ??
      (existsSync(venv)
        ? venv
        : existsSync(join(dirname(webserver), 'python'))
          ? join(dirname(webserver), 'python')
          : undefined);
    return {
      python_module: {
        module_name: `${p}.definitions`,
        attribute: 'defs',
        working_directory: join(ctx.root, 'pipelines', p, 'src'),
        location_name: p,
        ...(executable ? { executable_path: executable } : {}),
      },
    };
  });
  writeFileSync(file, `# Written by pipeline sandbox ui for sandbox ${ctx.name}.\n${stringify({ load_from })}`);
  return file;
}

export async function sandboxUi(ctx: SandboxContext, options: UiOptions): Promise<number> {
  const dir = join(ctx.root, 'pipelines');
  const all = existsSync(dir)
    ? readdirSync(dir).filter((p) => existsSync(join(dir, p, 'src', p, 'definitions.py')))
    : [];
  if (options.pipeline && !all.includes(options.pipeline))
    throw new InputError(`no pipeline ${options.pipeline} in ${dir} (there are: ${all.join(', ') || 'none'})`);
  const pipelines = options.pipeline ? [options.pipeline] : all;
  if (pipelines.length === 0)
    throw new InputError(`no pipelines in ${dir} to show; make one with npx pipeline new first`);
  const webserver = findWebserver(ctx.root, pipelines, options.python);
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    webserver,
    ['-h', '127.0.0.1', '-p', String(port), '-w', workspace(ctx, pipelines, webserver, options.python)],
    { cwd: ctx.root, env: options.env, stdio: ['ignore', 2, 'inherit'] },
  );
  const stop = () => child.kill('SIGTERM');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let exited = false;
  const exit = new Promise<number | null>((resolve, reject) => {
    child.once('error', (error) =>
      reject(
        new CliError(
          `cannot start ${webserver}: ${error.message}; install dagster-webserver in the pipeline's venv, or pass --python with a venv that has it`,
          EXIT.failure,
        ),
      ),
    );
    child.once('exit', (code, signal) => {
      exited = true;
      resolve(signal ? 0 : code);
    });
  });
  exit.catch(() => undefined);
  // Wait for the server to answer, then say where it is; stop waiting if it exits.
  for (;;) {
    if (exited) break;
    try {
      if ((await fetch(`${url}/server_info`)).ok) {
        options.onReady(url);
        break;
      }
    } catch {
      // not listening yet
    }
    await Promise.race([exit, new Promise((r) => setTimeout(r, 250))]);
  }
  const code = await exit;
  process.removeListener('SIGINT', stop);
  process.removeListener('SIGTERM', stop);
  return code ?? EXIT.failure;
}
