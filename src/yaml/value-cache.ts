// Values read from files people edit (platform.yaml, a compose file's services), kept between runs
// of the create-pipeline bin: the first parse in a process runs the yaml library's code cold, about
// 10 ms for platform.yaml and 5 for a compose file, while JSON.parse of the same value takes a
// tenth of a millisecond. Keyed by the file's whole text (textKey, and the text itself kept and
// compared), so an edited file is parsed again; a value JSON cannot hold exactly (a YAML `.inf`) is
// never kept, nor one of a text over 64 KiB. The bin names the file (in its code cache's folder,
// one per build: a new yaml library never reads an old parse); without one (the pipeline bin,
// tests) every value is computed. Never an error: a cache file that cannot be read or written is
// no cache.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { textKey } from '../text-key.ts';

/** At most this many values of each kind are kept: the newest (a platform.yaml edited daily leaves no trail). */
const KEPT = 8;
/** A longer text is computed every time: it is kept whole beside its value (below). */
const LONGEST = 64 * 1024;

let file: string | undefined;
/** kind + key -> the value's JSON, as read from the file (and added to since). */
let entries: Map<string, string> | undefined;

/** Keep values in `cacheFile` (undefined: keep none). */
export function keepValuesIn(cacheFile: string | undefined): void {
  file = cacheFile;
  entries = undefined;
}

function load(): Map<string, string> {
  if (entries) return entries;
  entries = new Map();
  try {
    const stored = JSON.parse(readFileSync(file!, 'utf8')) as unknown;
    if (stored && typeof stored === 'object' && !Array.isArray(stored))
      for (const [key, json] of Object.entries(stored)) if (typeof json === 'string') entries.set(key, json);
  } catch {}
  return entries;
}

/** Whether JSON gives `value` back as it is: null, booleans, finite numbers, strings, arrays and plain objects. */
function jsonExact(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(jsonExact);
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value as object).every(jsonExact);
}

function save(map: Map<string, string>): void {
  try {
    mkdirSync(dirname(file!), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    const kept: [string, string][] = [];
    const counts = new Map<string, number>();
    for (const entry of [...map].reverse()) {
      const kind = entry[0].slice(0, entry[0].indexOf(':'));
      const count = counts.get(kind) ?? 0;
      if (count < KEPT) kept.unshift(entry);
      counts.set(kind, count + 1);
    }
    writeFileSync(temp, JSON.stringify(Object.fromEntries(kept)));
    renameSync(temp, file!);
  } catch {}
}

/**
 * `compute(text)`'s value, from the cache when this text of this kind was computed before (a new
 * copy each time: callers may change it). What `compute` throws is thrown, and nothing is kept.
 */
export function cachedValue<T>(kind: string, text: string, compute: (text: string) => T): T {
  if (!file) return compute(text);
  const map = load();
  if (text.length > LONGEST) return compute(text);
  const key = `${kind}:${textKey(text)}`;
  const json = map.get(key);
  if (json !== undefined) {
    try {
      // The text is kept with its value and compared: two texts of one key (made on purpose, the
      // hashes are no defence) get each its own value.
      const entry = JSON.parse(json) as { text?: unknown; value?: unknown };
      if (entry.text === text) return entry.value as T;
    } catch {}
  }
  const value = compute(text);
  if (jsonExact(value)) {
    map.delete(key);
    map.set(key, JSON.stringify({ text, value }));
    save(map);
  }
  return value;
}
