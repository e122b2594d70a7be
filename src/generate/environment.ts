// A lean Yeoman environment: what yeoman-generator uses of yeoman-environment to run this
// package's generators, and nothing else. Our generators only write into the in-memory file system
// (mem-fs); we prompt, plan, check and write to disk ourselves (src/tree/), so the full
// environment's generator lookup, conflicter, package-manager install, prompt adapter and
// commit never run: they only cost start-up. Its run loop is yeoman-environment's, reduced to what
// a generator queues: tasks by priority (yeoman-environment's default queues, in order, plus any a
// generator adds), each run after the one before it, an error stops the run.
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import { create as createMemFs, type Store } from 'mem-fs';
import type { MemFsEditorFile } from 'mem-fs-editor';

/** yeoman-environment's run loop priorities, in order (its constants.js). */
const DEFAULT_QUEUES = [
  'environment:run',
  'initializing',
  'prompting',
  'configuring',
  'default',
  'writing',
  'transform',
  'conflicts',
  'environment:conflicts',
  'install',
  'end',
];

type Task = { run: () => unknown; once?: string };

interface GeneratorLike extends EventEmitter {
  queueTasks(): Promise<void>;
  _postConstruct?: () => unknown;
}

/** The package yeoman-generator names our generators' storage after. */
const GENERATOR_PACKAGE = { name: 'create-pipeline', version: '0.0.0' };

type GeneratorClass = new (args: string[], options: Record<string, unknown>) => GeneratorLike;

/** A log that prints nothing (the full environment's went to a sink too): a function with the logger's methods. */
type Log = ((...args: unknown[]) => Log) & { [method: string]: (...args: unknown[]) => Log };
const log = (() => log) as unknown as Log;
for (const method of [
  'write',
  'writeln',
  'ok',
  'error',
  'info',
  'warn',
  'debug',
  'skip',
  'force',
  'create',
  'invoke',
  'conflict',
  'identical',
  'added',
  'removed',
  'colored',
])
  log[method] = () => log;

export class LeanEnvironment extends EventEmitter {
  readonly cwd: string;
  readonly logCwd: string;
  readonly sharedFs: Store<MemFsEditorFile> = createMemFs<MemFsEditorFile>();
  readonly adapter = { log, onIdle: async () => {} };
  readonly sharedOptions: Record<string, unknown> = { sharedData: {}, forwardErrorToEnvironment: false };
  readonly options: Record<string, unknown>;
  private readonly queues = new Map<string, Task[]>(DEFAULT_QUEUES.map((name) => [name, []]));
  private root: GeneratorLike | undefined;

  constructor(options: { cwd: string } & Record<string, unknown>) {
    super();
    this.setMaxListeners(100);
    const { cwd, ...rest } = options;
    this.cwd = resolve(cwd);
    this.logCwd = this.cwd;
    this.options = rest;
  }

  /** As yeoman-environment's `create` for a generator class: its options, and this environment. */
  async create(
    Generator: GeneratorClass,
    options: { generatorArgs?: string[]; generatorOptions?: Record<string, unknown> },
  ) {
    // _meta's package.json names the generator's storage in .yo-rc-global.json (which ours never
    // use): without it, yeoman-generator looked a package.json up from the folder it runs in.
    const environment = {
      env: this,
      resolved: 'unknown',
      namespace: 'unknownnamespace',
      _meta: { getPackageJson: () => GENERATOR_PACKAGE },
    };
    const generator = new Generator(options.generatorArgs ?? [], {
      ...this.sharedOptions,
      ...options.generatorOptions,
      ...environment,
    });
    Object.assign(generator, { _environmentOptions: { ...this.options, ...this.sharedOptions, ...environment } });
    if (!options.generatorOptions?.help && generator._postConstruct) await generator._postConstruct();
    return generator;
  }

  /** No version to check against: yeoman-generator then accepts the environment (as it does an unknown one). */
  getVersion(): undefined {
    return undefined;
  }

  rootGenerator(): GeneratorLike | undefined {
    return this.root;
  }

  queueTask(priority: string, run: () => unknown, options?: { once?: string }): void {
    const queue = this.queues.get(priority);
    if (!queue) throw new Error(`create-pipeline: no run-loop priority ${priority}`);
    if (options?.once && queue.some((task) => task.once === options.once)) return;
    queue.push({ run, once: options?.once });
  }

  addPriority(priority: string, before?: string): void {
    if (this.queues.has(priority)) return;
    const entries = [...this.queues];
    const at = before === undefined ? entries.length : entries.findIndex(([name]) => name === before);
    entries.splice(at < 0 ? entries.length : at, 0, [priority, []]);
    this.queues.clear();
    for (const [name, tasks] of entries) this.queues.set(name, tasks);
  }

  /** Queues the generator's tasks and runs the loop: always the first task of the first priority that has one. */
  async runGenerator(generator: GeneratorLike): Promise<void> {
    this.root ??= generator;
    this.once('run', () => generator.emit('run'));
    this.once('end', () => generator.emit('end'));
    await generator.queueTasks();
    this.emit('run');
    for (;;) {
      const queue = [...this.queues.values()].find((tasks) => tasks.length > 0);
      if (!queue) break;
      await queue.shift()!.run();
    }
    this.emit('end');
  }
}
