// The cron dialect Dagster accepts: a port of the five-field expansion of Dagster's vendored
// croniter (dagster/_vendored/croniter/croniter.py, `_expand`) plus the rule Dagster adds on top
// (dagster._utils.schedules.is_valid_cron_string: no 30th or 31st of February). Checked here so a bad
// schedule fails at generation time rather than when Dagster loads it. Two refusals go further than
// Dagster, both because the schedule would not work: a day of month that no allowed month has (Dagster
// loads it, then every tick fails with "failed to find prev date"), and croniter's `R` (random)
// values, which Dagster draws again in every process, so the webserver and the daemon disagree.
// test/unit/validate.test.ts cross-checks this against Dagster for a few hundred expressions.
import { InputError } from '../errors.ts';
import { counted } from '../text.ts';
import { describeChar, quote } from './text.ts';

const MACROS: Record<string, string> = {
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const [DAY, MONTH, DOW] = [2, 3, 4];
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];
const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];
const LEN_MEANS_ALL = [60, 24, 31, 12, 7];
const ALPHA: Record<string, number | 'l'>[] = [
  {},
  {},
  { l: 'l' },
  Object.fromEntries(MONTHS.map((m, i) => [m, i + 1])),
  Object.fromEntries(WEEKDAYS.map((d, i) => [d, i])),
];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const STEP = /^([^-]+)-([^-/]+)(\/(\d+))?$/;
const INT = /^\d+$/;
const STAR_OR_INT = /^(\d+|\*)$/;
const SPECIAL_DOW = new RegExp(
  `^(?<pre>((?<he>((${WEEKDAYS.join('|')})(-(${WEEKDAYS.join('|')}))?)|((${MONTHS.join('|')})(-(${MONTHS.join('|')}))?)|\\w+)#)|l)(?<last>\\d+)$`,
);
const HASHED = /^(h|r)(\((\d+)-(\d+)\))?(\/(\d+))?$/;

type Value = number | string;
class Bad extends Error {}

/** croniter's expansion of one five-field expression: per field, its values (or '*'). */
function expandFields(fields: string[]): Value[][] {
  const expanded: Value[][] = [];
  const nthWeekday = new Map<Value, Set<Value>>();
  const alpha = (index: number, key: string): Value => {
    const value = Object.hasOwn(ALPHA[index]!, key) ? ALPHA[index]![key] : undefined;
    if (value === undefined)
      throw new Bad(
        `${FIELD_NAMES[index]} field ${JSON.stringify(fields[index])} has an unknown value ${JSON.stringify(key)}`,
      );
    return value;
  };
  // Only the day-of-week 7 means 0 (Sunday) in five fields; croniter maps no other value.
  const alias = (value: Value, index: number): Value => (index === DOW && value === 7 ? 0 : value);

  fields.forEach((field, index) => {
    const [min, max] = RANGES[index]!;
    let expr = field;
    const hashed = HASHED.exec(expr);
    if (hashed) {
      throw new Bad(
        hashed[1] === 'h'
          ? `${FIELD_NAMES[index]} field ${JSON.stringify(field)} is a hashed value (H), which Dagster does not support`
          : `${FIELD_NAMES[index]} field ${JSON.stringify(field)} is a random value (R), which Dagster draws again in every process`,
      );
    }
    if (expr.includes('?')) {
      if (expr !== '?')
        throw new Bad(`${FIELD_NAMES[index]} field ${JSON.stringify(field)} mixes ? with other characters`);
      if (index !== DAY && index !== DOW) throw new Bad(`? is allowed only in the day-of-month and day-of-week fields`);
      expr = '*';
    }
    const list: Value[] = expr.split(',');
    const res: Value[] = [];
    while (list.length > 0) {
      let e = String(list.pop());
      let nth: number | 'l' | undefined;
      if (index === DOW) {
        const special = SPECIAL_DOW.exec(e);
        if (special) {
          const { he, last } = special.groups!;
          if (he) {
            e = he;
            nth = Number(last);
            if (!(nth >= 1 && nth <= 5))
              throw new Bad(
                `day of week field ${JSON.stringify(field)} names a ${last}th weekday of the month; use 1 to 5`,
              );
          } else if (last) {
            e = last;
            nth = 'l';
          }
        }
      }
      let t = e.replace(/^\*(\/.+)$/, `${min}-${max}$1`);
      let m = STEP.exec(t);
      if (!m) {
        t = e.replace(/^(.+)\/(.+)$/, `$1-${max}/$2`);
        m = STEP.exec(t);
      }
      if (m) {
        let low: Value = m[1]!;
        let high: Value = m[2]!;
        const step = m[4] === undefined ? 1 : Number(m[4]);
        if (index === DAY && high === 'l') high = '31';
        if (!INT.test(low)) low = String(alpha(index, low));
        if (!INT.test(high)) high = String(alpha(index, high));
        if (!INT.test(low) || !INT.test(high))
          throw new Bad(`${FIELD_NAMES[index]} field ${JSON.stringify(field)} has a range that is not made of numbers`);
        const lo = alias(Number(low), index) as number;
        const hi = alias(Number(high), index) as number;
        if (Math.max(lo, hi) > max)
          throw new Bad(
            `${FIELD_NAMES[index]} field ${JSON.stringify(field)} is outside ${min}-${index === DOW ? 7 : max}`,
          );
        if (step === 0) throw new Bad(`${FIELD_NAMES[index]} field ${JSON.stringify(field)} has a step of 0`);
        let range: number[];
        if (lo > hi) {
          // A range such as 22-2 wraps around; croniter keeps the step across the wrap.
          const whole = span(min, max, 1);
          range = span(lo, max, step);
          let skip = 0;
          if (range.length > 0) {
            const last = range[range.length - 1]!;
            const alreadySkipped = [...whole].reverse().indexOf(last);
            const position = whole.indexOf(last);
            if (position + step > whole.length && alreadySkipped < step) skip = step - alreadySkipped;
          }
          range.push(...span(min + skip, hi, step));
        } else if (lo === hi) {
          range = span(min, max, step); // croniter reads 5-5 as the whole cycle
        } else {
          range = span(lo, hi, step);
        }
        const items: Value[] =
          index === DOW && nth !== undefined && nth !== 'l' ? range.map((v) => `${v}#${nth}`) : range;
        for (const item of items) if (!list.includes(item)) list.push(item);
      } else {
        if (t.startsWith('-')) throw new Bad(`${FIELD_NAMES[index]} field ${JSON.stringify(field)} is negative`);
        let value: Value = STAR_OR_INT.test(t) ? t : alpha(index, t);
        if (typeof value === 'string' && INT.test(value)) value = Number(value);
        value = alias(value, index);
        if (value !== '*' && value !== 'l' && ((value as number) < min || (value as number) > max)) {
          throw new Bad(
            `${FIELD_NAMES[index]} field ${JSON.stringify(field)} is outside ${min}-${index === DOW ? 7 : max}`,
          );
        }
        res.push(value);
        if (index === DOW && nth !== undefined) {
          if (!nthWeekday.has(value)) nthWeekday.set(value, new Set());
          nthWeekday.get(value)!.add(nth);
        }
      }
    }
    let values = [...new Set(res)];
    if (
      values.length === LEN_MEANS_ALL[index] &&
      !((index === DAY && !fields[DOW]!.includes('*')) || (index === DOW && !fields[DAY]!.includes('*')))
    )
      values = ['*'];
    expanded.push(values.length === 1 && values[0] === '*' ? ['*'] : values);
  });

  if (nthWeekday.size > 0) {
    const plain = new Set(expanded[DOW]);
    for (const key of nthWeekday.keys()) plain.delete(key);
    plain.delete('*');
    if (plain.size > 0 && new Set(expanded[DOW]).size !== LEN_MEANS_ALL[DOW])
      throw new Bad('the day-of-week field mixes plain days with nth days of the month (such as 1#2)');
  }
  return expanded;
}

function span(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i += step) out.push(i);
  return out;
}

/** Why Dagster would refuse this cron expression (or why it would never fire), or undefined. */
export function cronProblem(cron: string): string | undefined {
  const text = cron.trim().replace(/[ \t]+/g, ' ');
  if (text === '') return 'it is empty';
  const odd = /[^\x20-\x7e]/.exec(text);
  if (odd) return `it contains a ${describeChar(odd[0])}; use digits, names, spaces and * , - /`;
  const lower = text.toLowerCase();
  const macro = Object.hasOwn(MACROS, lower) ? MACROS[lower] : undefined;
  if (text.startsWith('@') && !macro) return `unknown macro ${text} (known: ${Object.keys(MACROS).join(', ')})`;
  const fields = (macro ?? lower).split(' ');
  if (fields.length !== 5)
    return `it has ${counted(fields.length, 'field')}, not 5${fields.length > 5 ? ' (Dagster has no seconds or years)' : ''}`;
  let expanded: Value[][];
  try {
    expanded = expandFields(fields);
  } catch (error) {
    if (error instanceof Bad) return error.message;
    throw error;
  }
  const [days, months] = [expanded[DAY]!, expanded[MONTH]!];
  if (months.length === 1 && months[0] === 2 && days.length === 1 && (days[0] === 30 || days[0] === 31))
    return `February ${days[0]} never occurs, and Dagster refuses it even with a day of week`;
  // croniter fails to find any tick when the day of month exists in none of the months, even when a
  // day of week is given too (it otherwise fires on either).
  const numeric = days.every((d) => typeof d === 'number');
  if (numeric && months[0] !== '*') {
    const possible = months.some((month) =>
      days.some((day) => (day as number) <= DAYS_IN_MONTH[(month as number) - 1]!),
    );
    if (!possible)
      return 'that day of month never occurs in the months it names, so Dagster could never schedule a run';
  }
  return undefined;
}

/** Returns the cron expression as Dagster will get it, or throws an InputError naming the field. */
export function checkCron(cron: string, flag = '--schedule'): string {
  const problem = cronProblem(cron);
  if (problem)
    throw new InputError(
      `${flag} ${quote(cron)} is not a valid cron expression: ${problem}; use five fields such as "0 6 * * *" (06:00 every day) or a macro such as @daily`,
    );
  return cron.trim().replace(/[ \t]+/g, ' ');
}
