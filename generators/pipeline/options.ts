// The questions of the pipeline generator: flags, prompts, defaults and validation in one place.
import type { PlatformConfig } from '../../src/conventions/platform-config.ts';
import { InputError } from '../../src/errors.ts';
import { type AnswersOf, defineQuestions, splitList } from '../../src/options/question.ts';
import {
  checkCron,
  checkDeployments,
  checkOwner,
  checkPipelineName,
  checkSlaHours,
  checkTemplate,
  checkText,
  checkTimezone,
  MAX_DESCRIPTION,
} from '../../src/validate/index.ts';
import { LEFTOVER } from './files.ts';
import { KIND_IDS, KINDS, type KindId } from './kinds.ts';
import type { PipelineAnswers } from './spec.ts';

export interface PipelineContext {
  platform: PlatformConfig;
  /** Pipelines already in the platform repo. */
  existing: string[];
  /** The platform's own Compose services, which no pipeline may be named after (default: the template's). */
  services?: readonly string[];
  /** Whether the folder of `existing` of this name holds only modules `pipeline add` wrote (onlyAddedModules). */
  leftover?: (name: string) => boolean;
}

export const PIPELINE_QUESTIONS = defineQuestions<PipelineContext>()
  .ask({
    key: 'name',
    flag: 'name',
    kind: 'text',
    valueName: 'name',
    help: 'Pipeline name: a Python package name, also its folder, code location and git branch',
    message: 'Pipeline name (lowercase, underscores):',
    default: () => {
      throw new InputError(
        '--name is required without a terminal; pass --name orders_daily (or any valid Python package name)',
      );
    },
    parse: (raw, ctx) => {
      const name = raw.trim();
      if (ctx.leftover?.(name))
        throw new InputError(
          `pipelines/${name} holds only modules pipeline add wrote, ${LEFTOVER.what}; ${LEFTOVER.fix(`pipelines/${name}`)}, then run again`,
        );
      return checkPipelineName(name, ctx.existing, ctx.services);
    },
  })
  .ask({
    key: 'template',
    flag: 'template',
    kind: 'select',
    valueName: KIND_IDS.join('|'),
    help: `Pipeline template: ${KIND_IDS.join(', ')} (default transform; see docs/templates.md)`,
    message: 'What kind of pipeline?',
    choices: () => KIND_IDS.map((id) => ({ value: id, name: KINDS[id].title, description: KINDS[id].summary })),
    default: (): KindId => 'transform',
    parse: (raw) => checkTemplate(raw, KIND_IDS),
  })
  .ask({
    key: 'description',
    flag: 'description',
    kind: 'text',
    valueName: 'text',
    help: 'One or two sentences on what the pipeline does (goes into its README and docstrings)',
    message: 'Describe the pipeline in a sentence:',
    default: (_ctx, a) => KINDS[a.template].defaultDescription(a.name),
    parse: (raw, _ctx, a) => {
      const text = raw.trim() || KINDS[a.template].defaultDescription(a.name);
      return checkText(text, '--description', MAX_DESCRIPTION);
    },
  })
  .ask({
    key: 'owner',
    flag: 'owner',
    kind: 'select',
    valueName: 'team',
    help: 'Owning team, one of the owners in platform.yaml',
    message: 'Which team owns it?',
    choices: (ctx) => ctx.platform.owners.map((o) => ({ value: o.name, description: o.contact })),
    default: (ctx) => ctx.platform.owners[0]!.name,
    parse: (raw, ctx) =>
      checkOwner(
        raw,
        ctx.platform.owners.map((o) => o.name),
      ),
  })
  .ask({
    key: 'schedule',
    flag: 'schedule',
    kind: 'text',
    valueName: 'cron|none',
    help: "Cron of the pipeline's main schedule, or none (defaults: transform 0 6 * * *, ml 0 5 * * *, ingest none)",
    message: 'Schedule (cron, or "none"):',
    default: (_ctx, a) => KINDS[a.template].defaultSchedule,
    show: (value: string) => (value === '' ? 'none' : value),
    parse: (raw) => (['', 'none'].includes(raw.trim().toLowerCase()) ? '' : checkCron(raw, '--schedule')),
    emptyFlag: "pass --schedule none for no schedule, or a cron such as '0 6 * * *'",
  })
  .ask({
    key: 'timezone',
    flag: 'timezone',
    kind: 'text',
    valueName: 'tz',
    help: "IANA timezone of the schedules (default: the platform's default_timezone)",
    message: 'Timezone of the schedules:',
    default: (ctx) => ctx.platform.defaultTimezone,
    parse: (raw) => checkTimezone(raw.trim(), '--timezone'),
    when: (_ctx, a) => a.schedule !== '' || KINDS[a.template].schedules.some((s) => s.fixedCron),
  })
  .ask({
    key: 'deployments',
    flag: 'deployments',
    kind: 'list',
    valueName: 'a,b,...',
    help: 'Deployments the pipeline is released to (default: all of them)',
    message: 'Release it to which deployments?',
    choices: (ctx) =>
      ctx.platform.deployments.map((d) => ({ value: d.name, description: `modes: ${d.modes.join(', ')}` })),
    default: (ctx) => ctx.platform.deployments.map((d) => d.name),
    parse: (raw, ctx) => {
      const known = ctx.platform.deployments.map((d) => d.name);
      const chosen = checkDeployments(splitList(raw), known);
      // The pipeline's own tests (and a developer's laptop) run its local_sample job in the local
      // deployment: without it, the first commit's tests fail.
      if (known.includes('local') && !chosen.includes('local'))
        throw new InputError(
          `--deployments ${chosen.join(',')} leaves out local, where the pipeline's own tests and a laptop run it; add it: --deployments ${['local', ...chosen].join(',')}`,
        );
      return chosen;
    },
  })
  .ask({
    key: 'slaHours',
    flag: 'sla-hours',
    kind: 'number',
    valueName: 'hours',
    help: 'ml only: how old predictions may get before their freshness check fails (default 26)',
    message: 'Freshness SLA of the predictions, in hours:',
    default: () => 26,
    parse: (raw) => checkSlaHours(raw),
    when: (_ctx, a) => a.template === 'ml',
  });

/** Fills what a question did not ask (the timezone of a pipeline without schedules). */
export function toPipelineAnswers(
  answers: AnswersOf<typeof PIPELINE_QUESTIONS>,
  ctx: PipelineContext,
): PipelineAnswers {
  const { name, template, description, owner, schedule, timezone, deployments, slaHours } = answers;
  return {
    name,
    template,
    description,
    owner,
    schedule,
    timezone: timezone ?? ctx.platform.defaultTimezone,
    deployments,
    slaHours: slaHours ?? 26,
  };
}
