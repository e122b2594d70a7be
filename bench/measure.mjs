// One command's cost, as the kernel counts it: wall seconds, CPU seconds in user space and in the
// kernel (the command and every child it waited for, git among them), and peak RSS, from wait4(2).
// Python's os.wait4 gives them to the microsecond; GNU time (the fallback) in 10 ms steps only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON_WAIT4 = `import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
sys.stderr.write(f"\\n{usage.ru_utime} {usage.ru_stime} {usage.ru_maxrss}\\n")
sys.exit(os.waitstatus_to_exitcode(status))`;
export const hasPython = spawnSync('python3', ['-c', 'import os; os.wait4'], { stdio: 'ignore' }).status === 0;
const TIME = '/usr/bin/time';
if (!hasPython && !existsSync(TIME))
  throw new Error('bench: needs python3 or GNU time at /usr/bin/time for CPU and peak RSS (apt-get install time)');

/** What measured the numbers, for the bench's last line. */
export const measuredWith = hasPython ? "wait4's rusage" : 'GNU time';

/**
 * Runs `cmd args` in `cwd` with `env` and returns its wall, user and system seconds, peak RSS in MiB,
 * and its stdout and stderr (without the measuring line); throws when it fails.
 */
export function measure(cmd, args, cwd, env) {
  const [runner, runnerArgs] = hasPython
    ? ['python3', ['-c', PYTHON_WAIT4, cmd, ...args]]
    : [TIME, ['-f', '\n%U %S %M', cmd, ...args]];
  const started = process.hrtime.bigint();
  const result = spawnSync(runner, runnerArgs, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${result.stderr}`);
  const lines = result.stderr.trimEnd().split('\n');
  const [user, system, kib] = lines.pop().split(' ').map(Number);
  return { wall, user, system, cpu: user + system, rss: kib / 1024, stdout: result.stdout, stderr: lines.join('\n') };
}
