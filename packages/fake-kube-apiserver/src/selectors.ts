type Requirement =
  | { key: string; op: 'eq' | 'neq'; values: [string] }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

/**
 * Thrown for a label or field selector the API server would reject (HTTP 400).
 *
 * @public
 */
export class SelectorError extends Error {
  name = 'SelectorError';
}

/**
 * Parses a Kubernetes label selector (`a=b,c!=d,e in (x,y),f notin (z),g,!h`)
 * into a predicate over an object's labels.
 *
 * @throws SelectorError for a malformed selector
 * @public
 */
export function parseLabelSelector(
  selector: string | undefined,
): (labels: Record<string, string> | undefined) => boolean {
  const requirements = splitTopLevel(selector ?? '').map(parseRequirement);
  return labels => {
    const l = labels ?? {};
    return requirements.every(r => {
      const has = Object.prototype.hasOwnProperty.call(l, r.key);
      switch (r.op) {
        case 'eq':
          return has && l[r.key] === r.values[0];
        case 'neq':
          return !has || l[r.key] !== r.values[0];
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

/**
 * Parses a field selector (`metadata.name=x,spec.nodeName!=y`) into a predicate.
 * Any dotted path is accepted; the real server only allows a few per kind.
 *
 * @throws SelectorError for a malformed selector
 * @public
 */
export function parseFieldSelector(
  selector: string | undefined,
): (obj: unknown) => boolean {
  const parts = splitTopLevel(selector ?? '');
  const reqs = parts.map(p => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(p);
    if (!m) {
      throw new SelectorError(`invalid field selector: '${p}'`);
    }
    return { path: m[1].split('.'), neq: m[2] === '!=', value: m[3] };
  });
  return obj =>
    reqs.every(r => {
      let v: any = obj;
      for (const k of r.path) v = v?.[k];
      const s = v === undefined || v === null ? '' : String(v);
      return r.neq ? s !== r.value : s === r.value;
    });
}

function splitTopLevel(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.map(s => s.trim()).filter(s => s !== '');
}

const KEY = '[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?';

function parseRequirement(text: string): Requirement {
  let m = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`).exec(text);
  if (m) {
    const values = m[4]
      .split(',')
      .map(v => v.trim())
      .filter(v => v !== '');
    return { key: m[1], op: m[3] as 'in' | 'notin', values };
  }
  m = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*([A-Za-z0-9._-]*)$`).exec(text);
  if (m) {
    return { key: m[1], op: m[3] === '!=' ? 'neq' : 'eq', values: [m[4]] };
  }
  m = new RegExp(`^(!?)(${KEY})$`).exec(text);
  if (m) {
    return { key: m[2], op: m[1] ? 'notexists' : 'exists' };
  }
  throw new SelectorError(`unable to parse requirement: '${text}'`);
}
