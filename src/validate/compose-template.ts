// The service names of the platform template's compose file, as the build found them: the build
// (scripts/build.mjs) replaces this module with the template's path, its text and its services, so
// that a run does not parse the template (a YAML parse costs a generation about a quarter of
// Node's start). compose.ts uses them only while the template on disk is that text. From source
// (tests, tsx) there are none, and the template is parsed.
export interface TemplateServices {
  /** The template's path below templates/. */
  template: string;
  /** Its text when the build read it. */
  text: string;
  services: string[];
}

export const TEMPLATE_SERVICES: TemplateServices | undefined = undefined;
