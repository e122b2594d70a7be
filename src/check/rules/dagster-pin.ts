// A pipeline pinning another Dagster release than the platform: its image and the platform's
// webserver and daemon disagree on the API and the instance schema.
import { pastPlatforms } from '../../conventions/platform-history.ts';
import { offPins, PIN_FILES, pinnedBy } from '../../upgrade/pins.ts';
import type { PipelineRule } from '../types.ts';

export const dagsterPin: PipelineRule = {
  id: 'dagster-pin',
  scope: 'pipeline',
  severity: 'error',
  title: "The pipeline's Dagster pin differs from platform.yaml's dagster_version",
  why: 'Every code server runs the Dagster release the platform pins, so the webserver, the daemon and the instance storage agree with it; another release may load, then fail on an API or a schema difference.',
  fix: "pin dagster (and its libraries) to platform.yaml's dagster_version in the pipeline's pyproject.toml",
  check(pipeline, ctx) {
    return Object.keys(PIN_FILES)
      .flatMap((path) => {
        const text = pipeline.read(path);
        return text === undefined ? [] : offPins(text, ctx.platform, path).map((pin) => ({ pin, path }));
      })
      .map(({ pin, path }) => {
        const by = pinnedBy(pin, pastPlatforms(ctx.root));
        return {
          file: `${pipeline.rel}/${path}`,
          line: pin.line,
          message: pin.pinned
            ? `${pin.name}==${pin.pinned}, but the platform runs ${pin.name}==${pin.expected} (dagster_version ${ctx.platform.dagsterVersion})${by ? `; an earlier platform.yaml (commit ${by.commit.slice(0, 12)}) pinned it` : ''}`
            : `"${pin.requirement}" is not pinned; the platform runs ${pin.name}==${pin.expected}`,
          fix: by
            ? `npx pipeline upgrade --pipeline ${pipeline.name} moves the pins an earlier platform.yaml set (commit platform.yaml first, or add --allow-dirty)`
            : `pin "${pin.name}==${pin.expected}" in ${pipeline.rel}/${path}`,
        };
      });
  },
};
