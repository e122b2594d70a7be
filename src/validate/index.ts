// The input rules: every value a user gives (a flag, a prompt answer, platform.yaml, a pipeline
// folder's name) is checked here, and nowhere else, before anything is written. Each rule is the rule
// of the tool that would refuse the value later (Python, Dagster, PyYAML, Docker and Compose, tzdata),
// taken from that tool where it can be. The *Problem functions return why a value is refused and how
// to fix it (or undefined); the check* functions throw that as an InputError naming the flag.
import { InputError } from '../errors.ts';
import { ownerNameProblem, platformNameProblem } from './names.ts';
import { quote, textProblem } from './text.ts';
import { timezoneProblem } from './timezone.ts';

export { composeServices, templateComposeServices } from './compose.ts';
export { checkCron, cronProblem } from './cron.ts';
export {
  checkPipelineName,
  type NameContext,
  ownerNameProblem,
  pipelineNameProblem,
  platformNameProblem,
  slugify,
} from './names.ts';
export { describeChar, quote, textProblem } from './text.ts';
export { isTimezone, timezoneProblem } from './timezone.ts';
export { yaml11Type } from './yaml.ts';

export const MAX_DESCRIPTION = 2000;

/** A free-text answer such as --description; returns it, or throws naming the character to remove. */
export function checkText(value: string, flag: string, maxLength = MAX_DESCRIPTION): string {
  const problem = textProblem(value, maxLength);
  if (problem) throw new InputError(`${flag} ${problem}`);
  return value;
}

export function checkTimezone(value: string, flag: string): string {
  const problem = timezoneProblem(value);
  if (problem) throw new InputError(`${flag} ${quote(value)} ${problem}`);
  return value;
}

export function checkPlatformName(value: string, flag = '--platform-name'): string {
  const problem = platformNameProblem(value);
  if (problem) throw new InputError(`${flag} ${quote(value)} ${problem}`);
  return value;
}

export function checkOwnerName(value: string): string {
  const problem = ownerNameProblem(value);
  if (problem) throw new InputError(`owner ${quote(value)} ${problem}`);
  return value;
}

/** A lakeFS repository id (3-63 lowercase letters, digits and dashes). */
export const LAKEFS_REPOSITORY = /^[a-z0-9][a-z0-9-]{2,62}$/;
/** A lakeFS ref: a branch, tag or commit id. */
export const LAKEFS_REF = /^\w[-\w./]*$/;
/** A lakeFS branch id (a sandbox branch prefix must start one). */
export const LAKEFS_BRANCH_ID = /^\w[-\w]*$/;
/** An environment variable name. */
export const ENV_VAR = /^[A-Z_][A-Z0-9_]*$/;
/** A deployment's name (a Python identifier, in generated code and env values). */
export const DEPLOYMENT_NAME = /^[a-z][a-z0-9_]*$/;

export function checkLakefsRepository(value: string, flag = '--lakefs-repository'): string {
  if (!LAKEFS_REPOSITORY.test(value))
    throw new InputError(
      `${flag} ${quote(value)} is not a lakeFS repository id; use 3-63 lowercase letters, digits and dashes`,
    );
  return value;
}

/** The longest production ref: a 64-character commit id fits, and conventions.py's line stays under 120 columns. */
const MAX_REF = 80;

export function checkLakefsRef(value: string, flag = '--production-ref'): string {
  if (!LAKEFS_REF.test(value))
    throw new InputError(`${flag} ${quote(value)} is not a lakeFS ref; use a branch, tag or commit id`);
  // Each pipeline's conventions.py holds it on one line of at most 120 columns (ruff's).
  if (value.length > MAX_REF)
    throw new InputError(
      `${flag} is ${value.length} characters long; use a ref of at most ${MAX_REF} (a branch, tag or commit id)`,
    );
  return value;
}

/** A pipeline template (kind) id. */
export function checkTemplate<T extends string>(value: string, templates: readonly T[]): T {
  const template = templates.find((t) => t === value);
  if (template === undefined)
    throw new InputError(`unknown template ${quote(value)}; use one of: ${templates.join(', ')}`);
  return template;
}

/** An owner of the new pipeline: one of the teams platform.yaml lists. */
export function checkOwner(value: string, owners: readonly string[]): string {
  if (!owners.includes(value))
    throw new InputError(
      `unknown owner ${quote(value)}; use one of the owners in platform.yaml (${owners.join(', ')}) or add the team there first`,
    );
  return value;
}

/** The teams of a new platform: at least one, each a valid owner name. */
export function checkOwnerNames(values: readonly string[]): string[] {
  if (values.length === 0) throw new InputError('--owners is empty; name at least one team, such as analytics');
  const owners = values.map(checkOwnerName);
  const twice = owners.find((owner, i) => owners.indexOf(owner) !== i);
  if (twice) throw new InputError(`--owners names ${twice} twice; name each team once`);
  return owners;
}

/** Deployments a pipeline is released to: at least one, each in platform.yaml; returned in its order. */
export function checkDeployments(values: readonly string[], known: readonly string[]): string[] {
  if (values.length === 0) throw new InputError(`--deployments is empty; name at least one of: ${known.join(', ')}`);
  for (const name of values) {
    if (!known.includes(name))
      throw new InputError(
        `unknown deployment ${quote(name)}; use deployments from platform.yaml (${known.join(', ')})`,
      );
  }
  return known.filter((name) => values.includes(name));
}

/** The ml template's freshness SLA, in whole hours (at most 31 days). */
export function checkSlaHours(raw: string): number {
  const hours = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isInteger(hours) || hours < 1 || hours > 24 * 31)
    throw new InputError(`--sla-hours ${quote(raw)} is not a whole number of hours from 1 to 744`);
  return hours;
}
