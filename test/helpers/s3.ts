// An S3 API on loopback: the S3 gateway of a real lakeFS server (test/helpers/lakefs.ts). In that
// gateway a bucket is a lakeFS repository and a key's first component is a branch, so
// s3://<bucket>/<folder>/<path> is the object <path> on branch <folder>. A bucket here is a
// repository with one branch per top-level folder the code under test writes to (a pipeline's
// store prefix, `<pipeline>/`).
import { ACCESS_KEY_ID, type LakeFSServer, SECRET_ACCESS_KEY } from './lakefs.ts';

export interface S3Bucket {
  name: string;
  /** Puts an object at s3://<bucket>/<key>. */
  put: (key: string, content: string | Uint8Array) => Promise<void>;
  /** Every key under s3://<bucket>/<prefix>, sorted. */
  list: (prefix: string) => Promise<string[]>;
  get: (key: string) => Promise<string>;
}

/** boto3's variables for the gateway: endpoint, region and the lakeFS user's keys. */
export function s3Env(lakefs: LakeFSServer): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: lakefs.endpoint,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
  };
}

const split = (key: string): [string, string] => {
  const slash = key.indexOf('/');
  if (slash <= 0) throw new Error(`key ${key} has no top-level folder: the lakeFS gateway needs one (the branch)`);
  return [key.slice(0, slash), key.slice(slash + 1)];
};

/** A bucket whose top-level folders are `folders`. */
export async function createBucket(lakefs: LakeFSServer, name: string, folders: string[]): Promise<S3Bucket> {
  await lakefs.client.createRepository(name, `local://${name}`, 'main');
  for (const folder of folders) await lakefs.client.createBranch(name, folder, 'main');
  return {
    name,
    put: async (key, content) => {
      const [branch, path] = split(key);
      await lakefs.client.upload(name, branch, path, content);
    },
    list: async (prefix) => {
      const [branch, path] = split(prefix);
      return (await lakefs.client.listObjects(name, branch, path)).map((o) => `${branch}/${o.path}`).sort();
    },
    get: async (key) => {
      const [branch, path] = split(key);
      return (await lakefs.client.download(name, branch, path)).toString('utf8');
    },
  };
}
