// A schedule without an explicit timezone runs in whatever timezone the daemon's host has.
import type { PipelineRule, RawFinding } from '../types.ts';

/** Schedule constructors and the keyword that names their timezone. */
const TIMEZONE_KEYWORD: Record<string, string> = {
  ScheduleSpec: 'timezone',
  ScheduleDefinition: 'execution_timezone',
  schedule: 'execution_timezone',
  build_schedule_from_partitioned_job: 'execution_timezone',
};

export const scheduleTimezone: PipelineRule = {
  id: 'schedule-timezone',
  scope: 'pipeline',
  severity: 'warning',
  title: 'A schedule without an explicit execution timezone',
  why: "Without one, Dagster evaluates the cron in the daemon host's timezone (UTC in most containers), so `0 6 * * *` fires at a different hour than its author meant, and moves with daylight saving differently per deployment.",
  fix: "name the timezone: timezone=... in a ScheduleSpec, execution_timezone=... in Dagster's own schedules (the platform's default_timezone if unsure)",
  async check(pipeline, ctx) {
    const findings: RawFinding[] = [];
    for (const path of pipeline.pythonFiles()) {
      for (const call of (await pipeline.python(path))?.calls ?? []) {
        const keyword = TIMEZONE_KEYWORD[call.name];
        if (!keyword || (call.name === 'schedule' && !/^((dg|dagster)\.)?schedule$/.test(call.callee))) continue;
        const value = call.kwargs.get(keyword);
        if (value && value.str !== '') continue;
        // Given otherwise (`**DAILY`), or a ScheduleSpec without one, which does not load (trigger-mode says so).
        if (!value && (call.more || call.name === 'ScheduleSpec')) continue;
        const name = call.kwargs.get('name')?.str ?? call.decorates ?? call.callee;
        findings.push({
          file: `${pipeline.rel}/${path}`,
          line: value?.line ?? call.line,
          message: `schedule ${JSON.stringify(name)} has no ${keyword}: its cron runs in the daemon host's timezone`,
          fix: `add ${keyword}=${JSON.stringify(ctx.platform.defaultTimezone)} (the platform's default_timezone) or the timezone its cron is meant in`,
        });
      }
    }
    return findings;
  },
};
