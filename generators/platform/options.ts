// The questions of the platform generator (a new platform repo).
import { basename } from 'node:path';
import type { PlatformAnswers } from '../../src/conventions/defaults.ts';
import { type AnswersOf, defineQuestions, splitList } from '../../src/options/question.ts';
import {
  checkLakefsRef,
  checkLakefsRepository,
  checkOwnerNames,
  checkPlatformName,
  checkTimezone,
  slugify,
} from '../../src/validate/index.ts';

export interface PlatformContext {
  /** The folder the platform repo is created in. */
  dir: string;
}

export const PLATFORM_QUESTIONS = defineQuestions<PlatformContext>()
  .ask({
    key: 'name',
    flag: 'platform-name',
    kind: 'text',
    valueName: 'name',
    help: "New platform repo only: the platform's name (default: the folder's name)",
    message: 'Name of the platform:',
    default: (ctx) => slugify(basename(ctx.dir)),
    parse: (raw) => checkPlatformName(raw),
  })
  .ask({
    key: 'owners',
    flag: 'owners',
    kind: 'text',
    valueName: 'a,b,...',
    help: 'New platform repo only: teams that can own pipelines (default: data-platform)',
    message: 'Teams that own pipelines (comma-separated):',
    default: () => ['data-platform'],
    parse: (raw) => checkOwnerNames(splitList(raw)),
  })
  .ask({
    key: 'timezone',
    flag: 'default-timezone',
    kind: 'text',
    valueName: 'tz',
    help: 'New platform repo only: default timezone of schedules (default UTC)',
    message: 'Default timezone of schedules:',
    default: () => 'UTC',
    parse: (raw) => checkTimezone(raw, '--default-timezone'),
  })
  .ask({
    key: 'lakefsRepository',
    flag: 'lakefs-repository',
    kind: 'text',
    valueName: 'repo',
    help: 'New platform repo only: the lakeFS repository holding production data (default data)',
    message: 'lakeFS repository of production data:',
    default: () => 'data',
    parse: (raw) => checkLakefsRepository(raw),
  })
  .ask({
    key: 'productionRef',
    flag: 'production-ref',
    kind: 'text',
    valueName: 'ref',
    help: 'New platform repo only: the production ref sandboxes branch from (default main)',
    message: 'Production ref (branch, tag or commit) that sandboxes branch from:',
    default: () => 'main',
    parse: (raw) => checkLakefsRef(raw),
  });

export const toPlatformAnswers = (answers: AnswersOf<typeof PLATFORM_QUESTIONS>): PlatformAnswers => answers;
