import {
  LabelSelectorError,
  parseLabelSelector as parseSharedLabelSelector,
} from '@goldenpath/plugin-reliability-common';

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
 * into a predicate over an object's labels: the same parser the reliability
 * backend uses, with its errors as {@link SelectorError} (HTTP 400 here).
 *
 * @throws SelectorError for a malformed selector
 * @public
 */
export function parseLabelSelector(
  selector: string | undefined,
): (labels: Record<string, string> | undefined) => boolean {
  try {
    return parseSharedLabelSelector(selector);
  } catch (e) {
    if (e instanceof LabelSelectorError) throw new SelectorError(e.message);
    throw e;
  }
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
  const parts = (selector ?? '')
    .split(',')
    .map(p => p.trim())
    .filter(p => p !== '');
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
