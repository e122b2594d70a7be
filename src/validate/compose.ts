// The platform's own Compose services (postgres, webserver, daemon, and whatever the platform team
// added): each pipeline becomes a Compose service named after it, so a pipeline may not take one of
// their names. Read from the platform's compose file; without one (a new platform), from the template.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap } from 'yaml';
import { templatesDir } from '../paths.ts';
import { mappingKeys, readDocument } from '../yaml/edit.ts';
import { cachedValue } from '../yaml/value-cache.ts';
import { TEMPLATE_SERVICES, type TemplateServices } from './compose-template.ts';

/** The platform's compose files, newest layout first: the base that `pipeline sync` extends, then the old single file. */
const COMPOSE_FILES = [
  'docker-compose.platform.yaml',
  'deployments/compose/docker-compose.base.yaml',
  'docker-compose.yaml',
];
const COMPOSE_TEMPLATES = [
  'platform/repo/docker-compose.platform.yaml.hbs',
  'platform/repo/deployments/compose/docker-compose.base.yaml.hbs',
  'platform/repo/docker-compose.yaml.hbs',
];

/** The service names of a compose file's text, or undefined when it does not parse or has no services mapping. */
function servicesOf(text: string): string[] | undefined {
  const doc = readDocument(text);
  const services = doc.errors.length ? undefined : doc.get('services');
  return isMap(services) ? mappingKeys(doc, services) : undefined;
}

let fromTemplate: string[] | undefined;

/** The platform template's compose file that names the services: its path, its text and those names (a parse). */
export function parseComposeTemplate(): TemplateServices | undefined {
  for (const template of COMPOSE_TEMPLATES) {
    const file = join(templatesDir(), template);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const services = servicesOf(text.replace(/\{\{[^}]*\}\}/g, 'x'));
    if (services) return { template, text, services };
  }
  return undefined;
}

/** The service names of the platform template's compose file (its Handlebars values blanked). */
export function templateComposeServices(): string[] {
  if (fromTemplate) return fromTemplate;
  // What the build found (./compose-template.ts), while the templates are as it read them.
  const known = TEMPLATE_SERVICES;
  if (known) {
    const earlier = COMPOSE_TEMPLATES.slice(0, COMPOSE_TEMPLATES.indexOf(known.template));
    const file = join(templatesDir(), known.template);
    if (
      earlier.every((template) => !existsSync(join(templatesDir(), template))) &&
      existsSync(file) &&
      readFileSync(file, 'utf8') === known.text
    )
      return (fromTemplate = [...known.services]);
  }
  return (fromTemplate = parseComposeTemplate()?.services ?? ['postgres', 'webserver', 'daemon']);
}

/**
 * The Compose services of the platform at `root` that are not pipelines: from its compose file
 * (the first of COMPOSE_FILES that exists and parses), else the template's.
 */
export function composeServices(root: string | undefined, pipelines: readonly string[] = []): string[] {
  if (root) {
    for (const name of COMPOSE_FILES) {
      const file = join(root, name);
      if (!existsSync(file)) continue;
      const text = readFileSync(file, 'utf8');
      const services = cachedValue('compose-services', text, (t) => servicesOf(t) ?? null);
      if (services) return services.filter((service) => !pipelines.includes(service));
    }
  }
  return templateComposeServices();
}
