// Where a pipeline must be registered in its platform repo, and how: one entry per file, each a
// format-preserving YAML edit that is a no-op when the pipeline is already there.
import { Pair, Scalar, YAMLMap, isMap, isScalar, type Document } from 'yaml';
import type { PlatformConfig } from '../../src/conventions/platform-config.ts';
import { editYaml, mapAt, seqAt } from '../../src/registration/yaml-edit.ts';
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
  if (!entries || typeof entries !== 'object' || !('items' in entries)) return false;
  return (entries as { items: unknown[] }).items.some((item) => {
    if (!isMap(item)) return false;
    return item.items.some((pair) => isMap(pair.value) && pair.value.get('location_name') === pipeline);
  });
}

function addLocation(file: string, entry: (pipeline: string) => object) {
  return (text: string, { pipeline }: RegistrationContext) =>
    editYaml(text, file, (doc) => {
      if (hasLocation(doc, pipeline)) return;
      const seq = seqAt(doc, ['load_from'], file);
      seq.flow = false;
      seq.add(doc.createNode(entry(pipeline)));
    });
}

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
    file: 'docker-compose.yaml',
    what: 'code-server service',
    register: (text, { pipeline, platform }) =>
      editYaml(text, 'docker-compose.yaml', (doc) => {
        const services = mapAt(doc, ['services'], 'docker-compose.yaml');
        if (services.has(pipeline)) return;
        const image = `${platform.name}/${pipeline}:latest`;
        const service = doc.createNode({ build: `./pipelines/${pipeline}`, image }) as YAMLMap;
        const environment = new YAMLMap();
        const anchor = doc.get('x-dagster-env', true);
        if (anchor && isMap(anchor)) {
          anchor.anchor ??= 'dagster-env';
          environment.items.push(new Pair(new Scalar('<<'), doc.createAlias(anchor)));
        }
        environment.set('DAGSTER_CURRENT_IMAGE', image);
        service.set('environment', environment);
        service.set('networks', doc.createNode(['dagster'], { flow: true }));
        services.add(new Pair(new Scalar(pipeline), service));
        const added = services.items.at(-1)?.key;
        if (added && typeof added === 'object' && 'spaceBefore' in (added as object)) (added as Scalar).spaceBefore = true;
      }),
  },
  {
    file: '.github/workflows/pipelines.yaml',
    what: 'CI matrix entry',
    register: (text, { pipeline }) =>
      editYaml(text, '.github/workflows/pipelines.yaml', (doc) => {
        const seq = seqAt(doc, ['jobs', 'test', 'strategy', 'matrix', 'pipeline'], '.github/workflows/pipelines.yaml');
        if (seq.items.some((item) => (isScalar(item) ? item.value : item) === pipeline)) return;
        seq.add(pipeline);
      }),
  },
];
