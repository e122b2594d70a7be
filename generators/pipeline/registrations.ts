// Where a pipeline must be registered in its platform repo, and how: one entry per file, each a
// format-preserving YAML edit (src/yaml/edit.ts) that is a no-op when the pipeline is already there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Document, isMap, isScalar, isSeq } from 'yaml';
import type { PlatformConfig } from '../../src/conventions/platform-config.ts';
import { templatesDir } from '../../src/paths.ts';
import { renderString } from '../../src/render/templates.ts';
import { appendToMapping, appendToSequence, editYamlText } from '../../src/yaml/edit.ts';
import { platformFile } from '../platform/files.ts';

export interface RegistrationContext {
  pipeline: string;
  platform: PlatformConfig;
}

export interface Registration {
  file: string;
  what: string;
  register: (text: string, ctx: RegistrationContext) => string;
}

/** The file's text, or the platform template's when it is missing (a new platform has no CI workflow until its first pipeline). */
export function registerIn(registration: Registration, text: string | undefined, ctx: RegistrationContext): string {
  const base = text && text.trim() !== '' ? text : platformFile(ctx.platform, registration.file);
  return registration.register(base, ctx);
}

const CODE_SERVER_PORT = 4000;

function hasLocation(doc: Document, pipeline: string): boolean {
  const entries = doc.get('load_from');
  if (!isSeq(entries)) return false;
  return entries.items.some((item) => isMap(item) && item.items.some((pair) => isMap(pair.value) && pair.value.get('location_name') === pipeline));
}

function addLocation(file: string, entry: (pipeline: string) => object) {
  return (text: string, { pipeline }: RegistrationContext) =>
    editYamlText(text, file, (doc, source) => (hasLocation(doc, pipeline) ? [] : [appendToSequence(doc, source, file, ['load_from'], entry(pipeline))]));
}

const COMPOSE = 'docker-compose.yaml';
const CI = '.github/workflows/pipelines.yaml';
const CI_MATRIX = ['jobs', 'test', 'strategy', 'matrix', 'pipeline'];

export const REGISTRATIONS: Registration[] = [
  {
    file: 'workspace.yaml',
    what: 'code location for local runs',
    register: addLocation('workspace.yaml', (p) => ({
      python_module: { module_name: `${p}.definitions`, working_directory: `pipelines/${p}/src`, location_name: p },
    })),
  },
  {
    file: 'deployments/compose/workspace.yaml',
    what: 'gRPC code location for the compose deployment',
    register: addLocation('deployments/compose/workspace.yaml', (p) => ({
      grpc_server: { host: p, port: CODE_SERVER_PORT, location_name: p },
    })),
  },
  {
    file: COMPOSE,
    what: 'code-server service',
    register: (text, { pipeline, platform }) =>
      editYamlText(text, COMPOSE, (doc, source) => {
        const services = doc.get('services');
        if (isMap(services) && services.has(pipeline)) return [];
        // The shared Dagster environment, when the file still defines it (`x-dagster-env: &dagster-env`).
        const anchor = (doc.get('x-dagster-env', true) as { anchor?: string } | undefined)?.anchor ?? null;
        const entry = renderString(COMPOSE_SERVICE, { pipeline, image: `${platform.name}/${pipeline}:latest`, anchor });
        return [appendToMapping(doc, source, COMPOSE, ['services'], entry)];
      }),
  },
  {
    file: CI,
    what: 'CI matrix entry',
    register: (text, { pipeline }) =>
      editYamlText(text, CI, (doc, source) => {
        const matrix = doc.getIn(CI_MATRIX);
        if (isSeq(matrix) && matrix.items.some((item) => (isScalar(item) ? item.value : item) === pipeline)) return [];
        return [appendToSequence(doc, source, CI, CI_MATRIX, pipeline)];
      }),
  },
];

/** A compose code-server service, as the template of a new service looks in the file. */
const COMPOSE_SERVICE = readFileSync(join(templatesDir(), 'platform', 'compose-service.yaml.hbs'), 'utf8');
