/**
 * Fills in the `default` of every top-level template parameter the values leave out, as the
 * Create form does before it submits. The scaffolder backend itself does not apply defaults, so
 * a values file would otherwise have to repeat every one of them.
 *
 * @param template - the Template entity; `spec.parameters` is one page object or an array of pages
 * @param values - the values read from the values file (not modified)
 * @returns a new object with the defaults added and the given values unchanged
 * @public
 */
export function applyParameterDefaults(
  template: { spec?: { parameters?: unknown } },
  values: Record<string, unknown>,
): { values: Record<string, unknown>; defaulted: string[] } {
  const result: Record<string, unknown> = { ...values };
  const defaulted: string[] = [];
  const pages = [template.spec?.parameters ?? []].flat() as Array<{
    properties?: Record<string, { default?: unknown }>;
  }>;
  for (const page of pages) {
    for (const [name, schema] of Object.entries(page?.properties ?? {})) {
      if (result[name] === undefined && schema && schema.default !== undefined) {
        result[name] = structuredClone(schema.default);
        defaulted.push(name);
      }
    }
  }
  return { values: result, defaulted };
}
