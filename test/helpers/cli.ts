// Runs the built bins exactly as a user's shell or CI would: a child process, no terminal, no stdin.
import { spawnSync } from 'node:child_process';
import { builtBin } from '../../src/paths.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Test User',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test User',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/**
 * A pipeline whose values must still load and come out formatted once in generated Python and YAML:
 * quotes of both kinds, backslashes, a newline and `{{` in its description, an owner, a timezone.
 */
const NASTY_DESCRIPTION = 'Revenue "per day"\\n from C:\\orders\nsecond line with {{ braces }} and \'quotes\'';
export const REVENUE_PIPELINE = [
  'revenue',
  '--template',
  'transform',
  '--owner',
  'analytics',
  '--description',
  NASTY_DESCRIPTION,
  '--timezone',
  'Europe/Berlin',
];

/**
 * The environment the built bins run in: this process's, with a git identity, CI set (no terminal
 * questions) and `extra`, without NODE_EXTRA_CA_CERTS. That variable (this machine sets it) makes
 * every Node start read a bundle of certificates: about 0.08 s of CPU each on Node 20, over the
 * suite's 700 runs of the bins a minute of CPU. The bins open no TLS connection (lakeFS and the
 * registry are on loopback over http), so they run as on a machine that does not set it.
 */
export function binEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _certs, ...inherited } = process.env;
  return { ...inherited, ...GIT_IDENTITY, CI: 'true', ...extra };
}

export function runBin(
  bin: 'create-pipeline' | 'pipeline',
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): CliResult {
  const result = spawnSync(process.execPath, [builtBin(bin), ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: binEnv(env),
    // Generous: a busy machine slows a run down, and a limit it can hit makes a right program fail.
    timeout: 600_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export const createPipeline = (args: string[], cwd: string, env?: Record<string, string>) =>
  runBin('create-pipeline', args, cwd, env);
