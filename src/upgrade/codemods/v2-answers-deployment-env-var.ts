// Why: from conventions v2 the answers file records the deployment environment variable the
// pipeline was built for, so that a later rename of the variable can keep the old name as a
// fallback for one version. YAML: located with the yaml Document API, inserted as text, so the
// rest of the file (comments, spacing) is untouched.
import type { Codemod } from '../codemod.ts';
import { editYamlSource, insertLineAfter, topLevelPair } from '../engines/yaml.ts';

export const ANSWERS = '.pipeline-answers.yaml';

export const answersDeploymentEnvVar: Codemod = {
  id: 'v2-answers-deployment-env-var',
  version: 2,
  description: 'Record the deployment environment variable in .pipeline-answers.yaml',
  run(tree, { platform }) {
    return editYamlSource(tree, ANSWERS, (doc, source) => {
      if (topLevelPair(doc, 'deployment_env_var')) return [];
      const line = `deployment_env_var: ${platform?.deploymentEnvVar ?? 'PIPELINE_DEPLOYMENT'}`;
      // After `deployments`, where a freshly generated answers file has it; else at the end.
      const edit = insertLineAfter(doc, source, 'deployments', line) ?? {
        start: source.length,
        end: source.length,
        text: `${source.endsWith('\n') || source === '' ? '' : '\n'}${line}\n`,
      };
      return [edit];
    });
  },
};
