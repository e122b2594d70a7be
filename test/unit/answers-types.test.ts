// The answers' types come from the question definitions: these lines are checked by `tsc -p .`
// (npm run build), where a misspelt key or an answer read as the wrong type must be an error
// (each @ts-expect-error fails the build when its line stops being one); the resolver then gives
// exactly the keys the types say.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { SENSOR_QUESTIONS } from '../../generators/add/sensor.ts';
import type { KindId } from '../../generators/pipeline/kinds.ts';
import { PIPELINE_QUESTIONS, type PipelineContext } from '../../generators/pipeline/options.ts';
import { type AnswersOf, defineQuestions, resolveAnswers } from '../../src/options/question.ts';
import { acmePlatform } from '../helpers/platform.ts';

type PipelineAnswers = AnswersOf<typeof PIPELINE_QUESTIONS>;

describe('answers typed by their questions', () => {
  it('gives each key the type its parse returns, optional when the question has a when', () => {
    expectTypeOf<PipelineAnswers>().toEqualTypeOf<{
      name: string;
      template: KindId;
      description: string;
      owner: string;
      schedule: string;
      timezone?: string;
      deployments: string[];
      slaHours?: number;
    }>();
    expectTypeOf<AnswersOf<typeof SENSOR_QUESTIONS>>().toEqualTypeOf<{
      preset: string;
      name: string;
      graph: string;
      evaluation: string;
      interval: number;
      deployments: string[];
    }>();
  });

  it('makes a misspelt key, a wrong type and a default of another type compile errors', () => {
    const read = (a: PipelineAnswers) => {
      // @ts-expect-error: no question has the key tmeplate
      void a.tmeplate;
      // @ts-expect-error: the name is a string
      const n: number = a.name;
      // @ts-expect-error: the timezone is asked only with a schedule
      const tz: string = a.timezone;
      return [n, tz];
    };
    const questions = defineQuestions<object>()
      .ask({
        key: 'count',
        flag: 'count',
        kind: 'number',
        help: 'How many',
        message: 'How many?',
        default: () => 1,
        parse: (raw) => Number(raw),
      })
      .ask({
        key: 'label',
        flag: 'label',
        kind: 'text',
        help: 'Label',
        message: 'Label?',
        // @ts-expect-error: a default must have the type parse returns
        default: () => 2,
        parse: (raw) => raw,
      })
      .ask({
        key: 'twice',
        flag: 'twice',
        kind: 'number',
        help: 'Twice the count',
        message: 'Twice?',
        // Earlier answers are typed in later questions.
        default: (_ctx, a) => a.count * 2,
        // @ts-expect-error: no earlier question has the key cuont
        parse: (_raw, _ctx, a) => a.cuont,
      });
    expect(typeof read).toBe('function');
    expect(questions.map((q) => q.key)).toEqual(['count', 'label', 'twice']);
  });

  it('resolves exactly the keys the types say: a when-gated question left out when it does not apply', async () => {
    const platform = acmePlatform({ owners: ['data-platform'] });
    const ctx: PipelineContext = { platform, existing: [] };
    const { answers } = await resolveAnswers(PIPELINE_QUESTIONS, ctx, {
      interactive: false,
      flags: { name: 'orders', template: 'ingest', schedule: 'none' },
    });
    expectTypeOf(answers).toEqualTypeOf<PipelineAnswers>();
    expect(Object.keys(answers).sort()).toEqual([
      'deployments',
      'description',
      'name',
      'owner',
      'schedule',
      'template',
    ]);
    expect(answers.template).toBe('ingest');
  });
});
