import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubeObject } from './store';

const FIXTURES_ROOT = path.join(
  path.dirname(require.resolve('@goldenpath/fake-kube-apiserver/package.json')),
  'fixtures',
);

const KIND_BY_FOLDER: Record<string, { apiVersion: string; kind: string }> = {
  nodes: { apiVersion: 'v1', kind: 'Node' },
  pods: { apiVersion: 'v1', kind: 'Pod' },
  argocd: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' },
  leases: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
};

/**
 * Reads one recorded object from `fixtures/` (copied from the k8s-objects
 * dataset; see `fixtures/README.md`). `NO-KIND` captures get their
 * `kind`/`apiVersion`; is-healthy `@now`/`@now-5m`/`@now-2h` placeholders
 * become real RFC 3339 times relative to `now`. Lists (`PodList`, `kind: List`)
 * are not accepted here; use {@link readFixtureItems}.
 *
 * @param relativePath - path under `fixtures/`, e.g. `pods/gitops-engine__pod-imagepullbackoff.yaml`
 * @throws Error when the path leaves the fixtures folder or holds no single object
 * @public
 */
export function readFixture(
  relativePath: string,
  now = new Date(),
): KubeObject {
  const items = readFixtureItems(relativePath, now);
  if (items.length !== 1) {
    throw new Error(
      `Fixture ${relativePath} holds ${items.length} objects, expected 1`,
    );
  }
  return items[0];
}

/**
 * Reads every object of a fixture file, unwrapping `*List` and `kind: List`
 * documents and giving list items the `kind`/`apiVersion` the API omits.
 *
 * @public
 */
export function readFixtureItems(
  relativePath: string,
  now = new Date(),
): KubeObject[] {
  const file = path.resolve(FIXTURES_ROOT, relativePath);
  if (!file.startsWith(`${FIXTURES_ROOT}${path.sep}`)) {
    throw new Error(
      `Fixture path escapes the fixtures folder: ${relativePath}`,
    );
  }
  const text = replacePlaceholders(
    fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''),
    now,
  );
  const docs: any[] = file.endsWith('.json')
    ? [JSON.parse(text)]
    : parseAllDocuments(text)
        .map(d => d.toJS())
        .filter(Boolean);
  const folder = relativePath.split('/')[0];
  const out: KubeObject[] = [];
  for (const doc of docs) {
    if (
      typeof doc.kind === 'string' &&
      doc.kind.endsWith('List') &&
      Array.isArray(doc.items)
    ) {
      const itemKind =
        doc.kind === 'List' ? undefined : doc.kind.slice(0, -'List'.length);
      for (const item of doc.items) {
        out.push(withTypeMeta(item, folder, itemKind, doc.apiVersion));
      }
    } else {
      out.push(withTypeMeta(doc, folder));
    }
  }
  return out;
}

/**
 * Names of the fixture files in one folder of `fixtures/` (e.g. `pods`).
 *
 * @public
 */
export function listFixtures(folder: string): string[] {
  const dir = path.resolve(FIXTURES_ROOT, folder);
  if (!dir.startsWith(`${FIXTURES_ROOT}${path.sep}`)) {
    throw new Error(`Fixture folder escapes the fixtures folder: ${folder}`);
  }
  return fs
    .readdirSync(dir)
    .filter(f => /\.(json|ya?ml)$/.test(f))
    .map(f => `${folder}/${f}`)
    .sort();
}

function withTypeMeta(
  obj: any,
  folder: string,
  kind?: string,
  apiVersion?: string,
): KubeObject {
  const fallback = KIND_BY_FOLDER[folder];
  return {
    ...obj,
    apiVersion:
      obj.apiVersion ?? (kind ? apiVersion : undefined) ?? fallback?.apiVersion,
    kind: obj.kind ?? kind ?? fallback?.kind,
  };
}

function replacePlaceholders(text: string, now: Date): string {
  return text.replace(/@now(?:-(\d+)([smhd]))?/g, (_m, amount, unit) => {
    const unitMs: Record<string, number> = {
      s: 1e3,
      m: 6e4,
      h: 36e5,
      d: 864e5,
    };
    const ms = amount ? Number(amount) * unitMs[unit] : 0;
    return new Date(now.getTime() - ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  });
}
