// The questions of the platform generator (a new platform repo).
import { basename } from 'node:path';
import type { PlatformAnswers } from '../../src/conventions/defaults.ts';
import { InputError } from '../../src/errors.ts';
import { type Question, splitList } from '../../src/options/question.ts';
import { isTimezone } from '../../src/validate/timezone.ts';

export interface PlatformContext {
  /** The folder the platform repo is created in. */
  dir: string;
}

const SLUG = /^[a-z][a-z0-9-]*$/;
const slugify = (s: string) => s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '') || 'data-platform';

export const PLATFORM_QUESTIONS: Question<PlatformContext>[] = [
  {
    key: 'name',
    flag: 'platform-name',
    kind: 'text',
    valueName: 'name',
    help: "New platform repo only: the platform's name (default: the folder's name)",
    message: 'Name of the platform:',
    default: (ctx) => slugify(basename(ctx.dir)),
    parse: (raw) => {
      if (!SLUG.test(raw)) throw new InputError(`--platform-name ${JSON.stringify(raw)} must be lowercase letters, digits and dashes, starting with a letter (for example ${slugify(raw)})`);
      return raw;
    },
  },
  {
    key: 'owners',
    flag: 'owners',
    kind: 'text',
    valueName: 'a,b,...',
    help: 'New platform repo only: teams that can own pipelines (default: data-platform)',
    message: 'Teams that own pipelines (comma-separated):',
    default: () => ['data-platform'],
    parse: (raw) => {
      const owners = splitList(raw);
      if (owners.length === 0) throw new InputError('--owners is empty; name at least one team, such as analytics');
      for (const owner of owners) {
        if (!SLUG.test(owner)) throw new InputError(`owner ${JSON.stringify(owner)} must be lowercase letters, digits and dashes (for example ${slugify(owner)})`);
      }
      return owners;
    },
  },
  {
    key: 'timezone',
    flag: 'default-timezone',
    kind: 'text',
    valueName: 'tz',
    help: 'New platform repo only: default timezone of schedules (default UTC)',
    message: 'Default timezone of schedules:',
    default: () => 'UTC',
    parse: (raw) => {
      if (!isTimezone(raw)) throw new InputError(`--default-timezone ${JSON.stringify(raw)} is not an IANA timezone; use a name such as UTC or Europe/Berlin`);
      return raw;
    },
  },
  {
    key: 'lakefsRepository',
    flag: 'lakefs-repository',
    kind: 'text',
    valueName: 'repo',
    help: 'New platform repo only: the lakeFS repository holding production data (default data)',
    message: 'lakeFS repository of production data:',
    default: () => 'data',
    parse: (raw) => {
      if (!/^[a-z0-9][a-z0-9-]{2,62}$/.test(raw)) throw new InputError(`--lakefs-repository ${JSON.stringify(raw)} is not a lakeFS repository id; use 3-63 lowercase letters, digits and dashes`);
      return raw;
    },
  },
  {
    key: 'productionRef',
    flag: 'production-ref',
    kind: 'text',
    valueName: 'ref',
    help: 'New platform repo only: the production ref sandboxes branch from (default main)',
    message: 'Production ref (branch, tag or commit) that sandboxes branch from:',
    default: () => 'main',
    parse: (raw) => {
      if (!/^[\w][-\w./]*$/.test(raw)) throw new InputError(`--production-ref ${JSON.stringify(raw)} is not a lakeFS ref; use a branch, tag or commit id`);
      return raw;
    },
  },
];

export const toPlatformAnswers = (answers: Record<string, unknown>): PlatformAnswers => answers as unknown as PlatformAnswers;
