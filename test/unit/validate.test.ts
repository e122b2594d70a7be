import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { checkCron } from '../../src/validate/cron.ts';
import { checkPipelineName } from '../../src/validate/names.ts';
import { isTimezone } from '../../src/validate/timezone.ts';
import { PYTHON, run } from '../helpers/python.ts';

const CRONS = ['0 6 * * *', '*/15 * * * *', '0 6 * * mon-fri', '0 0 1,15 * *', '30 2 * JAN,jul SUN', '0 6 * * 7', '0 0 1-5/2 * *', '@daily', '@hourly', '@weekly', '@monthly', '@yearly',
  '0 6 * *', '60 * * * *', '0 24 * * *', '0 6 31 2 *', '0 6 30 2 *', '* * * * * *', 'a b c d e', '0 6 * * 8', '5-1 * * * *', '22-2 * * * *', '*/0 * * * *', '@sometimes', '', '0 6 0 * *', '0 0 29 2 *'];

describe('cron expressions', () => {
  it('accepts exactly what Dagster accepts', () => {
    const program = `import json, sys\nfrom dagster._utils.schedules import is_valid_cron_string\nprint(json.dumps([is_valid_cron_string(c) for c in json.loads(sys.argv[1])]))`;
    const result = run(PYTHON, ['-c', program, JSON.stringify(CRONS)], process.cwd());
    expect(result.code, result.stderr).toBe(0);
    const dagster: boolean[] = JSON.parse(result.stdout);
    const ours = CRONS.map((c) => {
      try {
        checkCron(c);
        return true;
      } catch {
        return false;
      }
    });
    expect(Object.fromEntries(CRONS.map((c, i) => [c, ours[i]]))).toEqual(Object.fromEntries(CRONS.map((c, i) => [c, dagster[i]])));
  });

  it('names the field that is wrong and how to write a good one', () => {
    expect(() => checkCron('0 25 * * *')).toThrow(/hour field "25" is outside 0-23.*"0 6 \* \* \*"/);
    expect(() => checkCron('0 6 * *')).toThrow(/it has 4 fields, not 5/);
  });
});

describe('pipeline names', () => {
  const error = (name: string, existing: string[] = []) => {
    try {
      checkPipelineName(name, existing);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    return 'accepted';
  };

  it('accepts plain lowercase Python package names', () => {
    expect(error('orders_daily')).toBe('accepted');
    expect(error('m2')).toBe('accepted');
  });

  it('refuses names Python or the environment would trip over, saying what to use instead', () => {
    expect(error('Orders-Daily')).toMatch(/not a valid Python package name.*for example orders_daily/);
    expect(error('class')).toMatch(/is a Python keyword/);
    expect(error('match')).toMatch(/is a Python keyword/);
    expect(error('json')).toMatch(/shadow Python's standard-library module json/);
    expect(error('dagster')).toMatch(/shadow the installed package dagster/);
    expect(error('dagster_utils')).toMatch(/shadow the installed package/);
    expect(error('../x')).toMatch(/is a path/);
    expect(error('/abs/x')).toMatch(/is a path/);
    expect(error('orders', ['orders'])).toMatch(/already exists in pipelines\/orders/);
    expect(error('')).toMatch(/--name/);
  });
});

describe('timezones', () => {
  it('accepts IANA names and refuses the rest', () => {
    expect(['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'].map(isTimezone)).toEqual([true, true, true, true]);
    expect(['Mars/Olympus', 'utc+1', 'europe/berlin', '', 'Berlin'].map(isTimezone)).toEqual([false, false, false, false, false]);
  });
});
