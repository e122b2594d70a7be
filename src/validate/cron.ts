import { InputError } from '../errors.ts';

// The cron dialect Dagster accepts (croniter): five fields, lists, ranges, steps and names, or a
// macro. Checked here so a bad schedule fails at generation time rather than when Dagster loads it.
const MACROS = ['@hourly', '@daily', '@midnight', '@weekly', '@monthly', '@yearly', '@annually'];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface Field {
  name: string;
  min: number;
  max: number;
  names?: string[];
  nameOffset?: number;
}
const FIELDS: Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameOffset: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, nameOffset: 0 },
];

/** The set of values a field allows, or an error message. */
function expand(text: string, field: Field): Set<number> | string {
  const values = new Set<number>();
  const value = (token: string): number | undefined => {
    if (/^\d+$/.test(token)) return Number(token);
    const i = field.names?.indexOf(token.toLowerCase()) ?? -1;
    return i >= 0 ? i + field.nameOffset! : undefined;
  };
  for (const part of text.split(',')) {
    const m = /^(\*|[^-/]+(?:-[^-/]+)?)(?:\/(\d+))?$/.exec(part);
    if (!m) return `${field.name} field ${JSON.stringify(text)} is not a number, range, list or step`;
    const step = m[2] === undefined ? 1 : Number(m[2]);
    if (step < 1) return `${field.name} field ${JSON.stringify(text)} has a step of 0`;
    let lo = field.min;
    let hi = field.max;
    if (m[1] !== '*') {
      const [a, b] = m[1]!.split('-');
      const start = value(a!);
      const end = b === undefined ? (m[2] === undefined ? start : field.max) : value(b);
      if (start === undefined || end === undefined) return `${field.name} field ${JSON.stringify(text)} has an unknown value`;
      lo = start;
      hi = end;
    }
    if (lo < field.min || hi > field.max || lo > field.max || hi < field.min) return `${field.name} field ${JSON.stringify(text)} is outside ${field.min}-${field.max}`;
    // A range such as 22-2 wraps around, as croniter (Dagster's cron library) reads it.
    const span = lo <= hi ? hi - lo : field.max - lo + 1 + hi - field.min;
    for (let i = 0; i <= span; i += step) values.add(lo + i > field.max ? lo + i - (field.max - field.min + 1) : lo + i);
  }
  return values;
}

/** Returns the cron string if Dagster would accept it, else throws an InputError naming the field. */
export function checkCron(cron: string, flag = '--schedule'): string {
  const text = cron.trim().replace(/\s+/g, ' ');
  const fail = (why: string): never => {
    throw new InputError(`${flag} ${JSON.stringify(cron)} is not a valid cron expression: ${why}; use five fields such as "0 6 * * *" (06:00 every day) or a macro such as @daily`);
  };
  if (text.startsWith('@')) {
    if (!MACROS.includes(text.toLowerCase())) fail(`unknown macro ${text} (known: ${MACROS.join(', ')})`);
    return text;
  }
  const parts = text.split(' ');
  if (parts.length !== 5) fail(`it has ${parts.length} field${parts.length === 1 ? '' : 's'}, not 5`);
  const sets = parts.map((part, i) => {
    const result = expand(part, FIELDS[i]!);
    return typeof result === 'string' ? fail(result) : result;
  });
  // A day of month that no allowed month has (such as 31 February) never fires.
  if (parts[2] !== '*' && parts[4] === '*') {
    const possible = [...sets[3]!].some((month) => [...sets[2]!].some((day) => day <= DAYS_IN_MONTH[month - 1]!));
    if (!possible) fail('that day of month never occurs in the months it names');
  }
  return text;
}

