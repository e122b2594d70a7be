// Renderings of one CheckReport: a readable table, GitHub Actions annotations and SARIF 2.1.0.
import { cliVersion } from '../paths.ts';
import { counted } from '../text.ts';
import { RULES } from './rules/index.ts';
import type { CheckReport } from './run.ts';

export const FORMATS = ['table', 'json', 'github', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export function renderTable(report: CheckReport): string {
  const checked = `${counted(report.pipelines.length, 'pipeline')} checked`;
  if (report.findings.length === 0) return `${checked}: no findings`;
  const rows = report.findings.map((f) => [f.severity, f.rule, `${f.file}:${f.line}`, f.message, f.fix] as const);
  const width = (i: number) => Math.max(...rows.map((r) => r[i]!.length));
  const [w0, w1, w2] = [width(0), width(1), width(2)];
  const lines = rows.flatMap(([severity, rule, location, message, fix]) => [
    `${severity.padEnd(w0)}  ${rule.padEnd(w1)}  ${location.padEnd(w2)}  ${message}`,
    `${''.padEnd(w0 + w1 + w2 + 6)}fix: ${fix}`,
  ]);
  const { errors, warnings } = report.summary;
  return [...lines, '', `${checked}: ${counted(errors, 'error')}, ${counted(warnings, 'warning')}`].join('\n');
}

/** GitHub's workflow-command escaping: data escapes %, CR, LF; properties also : and ,. */
const escapeData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function renderGithub(report: CheckReport): string {
  const lines = report.findings.map(
    (f) =>
      `::${f.severity === 'error' ? 'error' : 'warning'} file=${escapeProperty(f.file)},line=${f.line},title=${escapeProperty(f.rule)}::${escapeData(`${f.message}. Fix: ${f.fix}`)}`,
  );
  const { errors, warnings } = report.summary;
  lines.push(
    `pipeline check: ${counted(report.pipelines.length, 'pipeline')}, ${counted(errors, 'error')}, ${counted(warnings, 'warning')}`,
  );
  return lines.join('\n');
}

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

export function renderSarif(report: CheckReport): string {
  const effective = new Map(report.rules.map((r) => [r.id, r.severity]));
  const rules = RULES.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.why },
    help: { text: `Fix: ${r.fix}` },
    defaultConfiguration: {
      enabled: effective.get(r.id) !== 'off',
      level: effective.get(r.id) === 'error' ? 'error' : 'warning',
    },
  }));
  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'pipeline check',
            fullName: 'create-pipeline: pipeline check',
            version: cliVersion(),
            informationUri: 'https://www.npmjs.com/package/create-pipeline',
            rules,
          },
        },
        originalUriBaseIds: { PLATFORMROOT: { uri: `file://${report.root.replace(/\\/g, '/').replace(/\/?$/, '/')}` } },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: RULES.findIndex((r) => r.id === f.rule),
          level: f.severity,
          message: { text: `${f.message}. Fix: ${f.fix}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file, uriBaseId: 'PLATFORMROOT' },
                region: { startLine: f.line },
              },
            },
          ],
          ...(f.pipeline ? { properties: { pipeline: f.pipeline } } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}

export function renderCheckReport(report: CheckReport, format: Format): string {
  if (format === 'json') return JSON.stringify(report, null, 2);
  if (format === 'github') return renderGithub(report);
  if (format === 'sarif') return renderSarif(report);
  return renderTable(report);
}
