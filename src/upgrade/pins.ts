// The Dagster pins of a pipeline (its pyproject.toml's dependencies, its Dockerfile's `pip install`)
// against platform.yaml's dagster_version: which differ, and which of those an earlier
// platform.yaml set (so `pipeline upgrade` may move them: nobody chose that release but the
// platform). Found line by line, as every pyproject.toml edit here (no TOML engine): only the
// quoted requirement's version changes.
import type { PlatformConfig } from '../conventions/platform-config.ts';
import { type PastPlatform, pastPlatforms } from '../conventions/platform-history.ts';
import { dagsterLibrariesVersion } from '../conventions/version.ts';
import { pyprojectDependencies } from './pyproject.ts';

/** Distributions released with dagster's own version number; the other dagster-* libraries follow 0.(minor+16).patch. */
const CORE = new Set([
  'dagster',
  'dagster-webserver',
  'dagster-graphql',
  'dagster-pipes',
  'dagster-shared',
  'dagster-dg-cli',
  'dagster-dg-core',
  'dagster-test',
]);

export interface DagsterPin {
  name: string;
  /** 1-based. */
  line: number;
  requirement: string;
  /** The version it pins with ==, or undefined when it pins none. */
  pinned: string | undefined;
  /** The version platform.yaml's dagster_version gives it. */
  expected: string;
}

const versionFor = (name: string, platform: PlatformConfig) =>
  CORE.has(name) ? platform.dagsterVersion : dagsterLibrariesVersion(platform.dagsterVersion);

/** The files that pin Dagster, and how their requirements are found. */
export const PIN_FILES: Record<string, (text: string) => { name: string; requirement: string; line: number }[]> = {
  'pyproject.toml': (text) => pyprojectDependencies(text).all,
  // `RUN pip install . "dagster-postgres==0.29.27" ...`: each quoted requirement of a Dagster library.
  Dockerfile: (text) =>
    text.split('\n').flatMap((line, i) =>
      [...line.matchAll(/"(dagster(?:-[A-Za-z0-9-]+)?)==([\w.]+)"/g)].map((m) => ({
        name: m[1]!.toLowerCase(),
        requirement: `${m[1]}==${m[2]}`,
        line: i + 1,
      })),
    ),
};

/** The dagster and dagster-* requirements of a pin file that do not pin the platform's release. */
export function offPins(text: string, platform: PlatformConfig, file = 'pyproject.toml'): DagsterPin[] {
  return PIN_FILES[file]!(text)
    .filter((dep) => dep.name === 'dagster' || dep.name.startsWith('dagster-'))
    .map((dep) => ({
      ...dep,
      pinned: /==\s*([\w.]+)\s*$/.exec(dep.requirement)?.[1],
      expected: versionFor(dep.name, platform),
    }))
    .filter((pin) => pin.pinned !== pin.expected);
}

/** The earlier platform.yaml whose dagster_version gives exactly this pin, if any. */
export const pinnedBy = (pin: DagsterPin, past: PastPlatform[]): PastPlatform | undefined =>
  pin.pinned === undefined ? undefined : past.find((p) => versionFor(pin.name, p.config) === pin.pinned);

/**
 * The pin file with every pin an earlier platform.yaml (of `root`'s history) set moved to today's
 * release, or undefined when there is none to move.
 */
export function movePlatformPins(
  text: string,
  file: string,
  platform: PlatformConfig,
  root: string,
): string | undefined {
  const pins = offPins(text, platform, file);
  const moving = pins.length ? pins.filter((pin) => pinnedBy(pin, pastPlatforms(root))) : [];
  return moving.length ? movePins(text, moving) : undefined;
}

/** The file with each of `pins` moved to its expected version (on its own line only). */
function movePins(text: string, pins: DagsterPin[]): string {
  const lines = text.split('\n');
  for (const pin of pins) {
    const moved = pin.requirement.replace(/==\s*[\w.]+\s*$/, `==${pin.expected}`);
    lines[pin.line - 1] = lines[pin.line - 1]!.replace(`"${pin.requirement}"`, `"${moved}"`).replace(
      `'${pin.requirement}'`,
      `'${moved}'`,
    );
  }
  return lines.join('\n');
}
