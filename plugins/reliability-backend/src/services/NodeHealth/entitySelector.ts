import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  getKubernetesId,
} from '@goldenpath/plugin-reliability-common';

/**
 * Which Kubernetes objects belong to an entity: a label selector and an
 * optional namespace, from the Kubernetes plugin's annotations.
 * @public
 */
export interface EntitySelector {
  /** Label selector text, e.g. `backstage.io/kubernetes-id=validator-alpha`. */
  labelSelector: string;
  namespace?: string;
  /** Set when the selector is exactly `backstage.io/kubernetes-id=<id>` (index lookups). */
  kubernetesId?: string;
  matches(object: {
    metadata?: { namespace?: string; labels?: Record<string, string> };
  }): boolean;
}

/**
 * The entity's selector: `backstage.io/kubernetes-label-selector` when set, else
 * `backstage.io/kubernetes-id=<id>`; limited to `backstage.io/kubernetes-namespace`
 * when present.
 *
 * @returns undefined when the entity has neither annotation
 * @throws Error for a malformed label selector annotation
 * @public
 */
export function entitySelector(entity: Entity): EntitySelector | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const custom = annotations[ANNOTATIONS.KUBERNETES_LABEL_SELECTOR]?.trim();
  const id = getKubernetesId(entity);
  const labelSelector =
    custom || (id ? `${ANNOTATIONS.KUBERNETES_ID}=${id}` : undefined);
  if (!labelSelector) return undefined;
  const namespace =
    annotations[ANNOTATIONS.KUBERNETES_NAMESPACE]?.trim() || undefined;
  const labels = parseLabelSelector(labelSelector);
  return {
    labelSelector,
    namespace,
    kubernetesId: custom ? undefined : id,
    matches: object =>
      (!namespace || object.metadata?.namespace === namespace) &&
      labels(object.metadata?.labels),
  };
}

type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

const KEY = '[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?';
const SET_RE = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`);
const EQ_RE = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*([A-Za-z0-9._-]*)$`);
const EXISTS_RE = new RegExp(`^(!?)(${KEY})$`);

/**
 * Parses a Kubernetes label selector (equality- and set-based:
 * `a=b,c!=d,e in (x,y),f notin (z),g,!h`) into a predicate over labels.
 *
 * @throws Error naming the requirement that does not parse
 * @public
 */
export function parseLabelSelector(
  selector: string,
): (labels: Record<string, string> | undefined) => boolean {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  const requirements: Requirement[] = parts
    .map(p => p.trim())
    .filter(p => p !== '')
    .map(text => {
      let m = SET_RE.exec(text);
      if (m) {
        return {
          key: m[1],
          op: m[3] as 'in' | 'notin',
          values: m[4]
            .split(',')
            .map(v => v.trim())
            .filter(Boolean),
        };
      }
      m = EQ_RE.exec(text);
      if (m)
        return { key: m[1], op: m[3] === '!=' ? 'neq' : 'eq', value: m[4] };
      m = EXISTS_RE.exec(text);
      if (m) return { key: m[2], op: m[1] ? 'notexists' : 'exists' };
      throw new Error(
        `Invalid label selector requirement '${text}' in '${selector}'`,
      );
    });
  return labels => {
    const l = labels ?? {};
    return requirements.every(r => {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      switch (r.op) {
        case 'eq':
          return has && l[r.key] === r.value;
        case 'neq':
          return !has || l[r.key] !== r.value;
        case 'in':
          return has && r.values.includes(l[r.key]);
        case 'notin':
          return !has || !r.values.includes(l[r.key]);
        case 'exists':
          return has;
        default:
          return !has;
      }
    });
  };
}
