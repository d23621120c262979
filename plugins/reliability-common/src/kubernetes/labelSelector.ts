type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

/**
 * Thrown for a label selector that Kubernetes would reject (the API server answers 400).
 * @public
 */
export class LabelSelectorError extends Error {
  name = 'LabelSelectorError';
}

const KEY = '[A-Za-z0-9]([A-Za-z0-9._/-]*[A-Za-z0-9])?';
const SET_RE = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`);
const EQ_RE = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*([A-Za-z0-9._-]*)$`);
const EXISTS_RE = new RegExp(`^(!?)(${KEY})$`);

/** Splits on commas outside parentheses; trims and drops empty parts. */
function splitRequirements(selector: string): string[] {
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
  return parts.map(p => p.trim()).filter(p => p !== '');
}

function parseRequirement(text: string, selector: string): Requirement {
  let m = SET_RE.exec(text);
  if (m) {
    const values = m[4]
      .split(',')
      .map(v => v.trim())
      .filter(v => v !== '');
    return { key: m[1], op: m[3] as 'in' | 'notin', values };
  }
  m = EQ_RE.exec(text);
  if (m) return { key: m[1], op: m[3] === '!=' ? 'neq' : 'eq', value: m[4] };
  m = EXISTS_RE.exec(text);
  if (m) return { key: m[2], op: m[1] ? 'notexists' : 'exists' };
  throw new LabelSelectorError(`Invalid label selector requirement '${text}' in '${selector}'`);
}

/**
 * Parses a Kubernetes label selector, equality- and set-based
 * (`a=b,c!=d,e in (x,y),f notin (z),g,!h`; the empty selector matches everything),
 * into a predicate over an object's labels, with the API server's semantics: `!=` and
 * `notin` also match objects without the key.
 * Source: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 *
 * @throws LabelSelectorError naming the requirement that does not parse
 * @public
 */
export function parseLabelSelector(
  selector: string | undefined,
): (labels: Record<string, string> | undefined) => boolean {
  const requirements = splitRequirements(selector ?? '').map(text =>
    parseRequirement(text, selector ?? ''),
  );
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
