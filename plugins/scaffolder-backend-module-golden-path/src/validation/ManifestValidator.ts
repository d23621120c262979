import { CORE_SCHEMA, loadAll, YAMLException } from 'js-yaml';
import { validatorNodeCrd } from '@goldenpath/plugin-reliability-common';
import { ModelRegistry } from './modelRegistry';
import { SchemaViolation, validateWithSchema } from './strict';
import { validateStructural } from './structuralSchema';
import { validateWorkflow } from './workflowValidator';
import { isCatalogEntityDocument, validateCatalogEntity } from './catalogValidator';

/**
 * One validation error, located by file, document and object path.
 * @public
 */
export interface ManifestValidationError {
  /** File path relative to the validated root (POSIX separators). */
  file: string;
  /** Zero-based index of the YAML document in the file (0 for JSON and workflows). */
  document: number;
  /** `Kind/name` of the object when known, e.g. `Deployment/web`. */
  object?: string;
  /** Path inside the document, e.g. `/spec/replicas` (or `line 4, column 3` for workflows). */
  path: string;
  /** What is wrong. */
  message: string;
}

/**
 * A document that was parsed but not schema-checked, and why.
 * @public
 */
export interface ManifestSkip {
  file: string;
  document: number;
  object?: string;
  /** `no-schema`: a Kubernetes-style object whose apiVersion/kind is unknown; `not-kubernetes`: neither field. */
  category: 'no-schema' | 'not-kubernetes';
  reason: string;
}

/**
 * Result of validating a set of files.
 * @public
 */
export interface ManifestValidationReport {
  /** Files read. */
  files: number;
  /** YAML/JSON documents parsed (empty documents excluded). */
  documents: number;
  /** Objects checked against a schema (Kubernetes, CRD, workflow or catalog entity). */
  validated: number;
  /** Objects without a known schema. */
  skipped: ManifestSkip[];
  /** Every error found; empty when everything is valid. */
  errors: ManifestValidationError[];
}

/**
 * A file to validate.
 * @public
 */
export interface ManifestFile {
  /** Path relative to the validated root, POSIX separators. */
  path: string;
  /** File content. */
  content: string;
}

/**
 * Options of {@link ManifestValidator.create}.
 * @public
 */
export interface ManifestValidatorOptions {
  /**
   * Report fields the schema does not declare, like the API server's
   * `fieldValidation=Strict` (kubectl's default). Default `true`.
   */
  strict?: boolean;
}

type Json = Record<string, unknown>;

const WORKFLOW_PATH = /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/;

type ParsedDocument = { index: number; doc: unknown };
type ParsedFile = { documents: ParsedDocument[]; errors: ManifestValidationError[] };

/**
 * Whether a file's text can hold a `CustomResourceDefinition`, so it must be parsed before
 * any custom resource is validated. The kind has to be spelled out, unless it hides behind an
 * escape sequence (`\x..`, `\u....`, `\U........` in YAML double quotes or JSON) or a
 * double-quoted line continuation (backslash at the end of a line): files with either are
 * parsed ahead too, so the result never depends on file order.
 */
function mayHoldCustomResourceDefinition(content: string): boolean {
  return (
    content.includes('CustomResourceDefinition') ||
    (content.includes('\\') && /\\[xuU\r\n]/.test(content))
  );
}

function describe(doc: Json): string | undefined {
  const kind = typeof doc.kind === 'string' ? doc.kind : undefined;
  const meta = doc.metadata as Json | undefined;
  const name =
    meta && typeof meta === 'object'
      ? (meta.name as string | undefined) ?? (meta.generateName as string | undefined)
      : undefined;
  if (!kind) return undefined;
  return name ? `${kind}/${name}` : kind;
}

/**
 * Validates Kubernetes manifests, Kyverno and other custom resources, GitHub workflows and
 * Backstage catalog files.
 *
 * - Built-in Kubernetes kinds and the CRDs covered by `@kubernetes-models/*` (Kyverno,
 *   Argo CD, Argo Rollouts, External Secrets) use the models' generated JSON-schema validators,
 *   made strict about unknown fields (see {@link validateWithSchema}).
 * - Custom resources whose `CustomResourceDefinition` is among the files, and `ValidatorNode`
 *   (from `@goldenpath/plugin-reliability-common`), are checked against the CRD's
 *   `openAPIV3Schema`, interpreted as a structural schema (see {@link validateStructural}).
 * - `.github/workflows/*.yml` files use GitHub's workflow parser.
 * - `backstage.io/*` documents use the catalog's entity policies and kind validators.
 * - `List` kinds are validated item by item. Documents with neither `apiVersion` nor `kind`
 *   (Helm values, budgets, mkdocs.yml, ...) are listed as skipped; a document with only one
 *   of them is an error.
 *   Objects whose `apiVersion`/`kind` has no known schema are reported as skipped.
 * @public
 */
export class ManifestValidator {
  readonly #registry: ModelRegistry;
  readonly #strict: boolean;
  readonly #crdSchemas = new Map<string, Record<string, unknown>>();

  private constructor(registry: ModelRegistry, strict: boolean) {
    this.#registry = registry;
    this.#strict = strict;
    this.addCustomResourceDefinition(validatorNodeCrd);
  }

  /**
   * Creates a validator. The model packages are scanned once per process (about 50 ms) and
   * shared; CRDs registered on one validator do not leak into another.
   */
  static create(options: ManifestValidatorOptions = {}): ManifestValidator {
    return new ManifestValidator(ModelRegistry.shared(), options.strict ?? true);
  }

  /**
   * Registers the served versions of an `apiextensions.k8s.io/v1` CRD so its custom
   * resources are validated against `openAPIV3Schema`.
   * @returns the `apiVersion|kind` keys registered
   */
  addCustomResourceDefinition(crd: unknown): string[] {
    const spec = (crd as Json)?.spec as Json | undefined;
    const group = spec?.group;
    const kind = (spec?.names as Json | undefined)?.kind;
    const versions = spec?.versions;
    if (typeof group !== 'string' || typeof kind !== 'string' || !Array.isArray(versions)) {
      return [];
    }
    const keys: string[] = [];
    for (const version of versions as Json[]) {
      const schema = (version.schema as Json | undefined)?.openAPIV3Schema;
      if (!schema || typeof version.name !== 'string') continue;
      const key = `${group}/${version.name}|${kind}`;
      this.#crdSchemas.set(key, schema as Record<string, unknown>);
      keys.push(key);
    }
    return keys;
  }

  /**
   * Validates one parsed document.
   * @returns violations, or `undefined` when no schema is known for its `apiVersion`/`kind`
   */
  validateObject(doc: Json): SchemaViolation[] | undefined {
    const apiVersion = doc.apiVersion;
    const kind = doc.kind;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
      const missing = [
        typeof apiVersion !== 'string' ? 'apiVersion' : undefined,
        typeof kind !== 'string' ? 'kind' : undefined,
      ].filter(Boolean);
      return missing.map(f => ({
        path: `/${f}`,
        message: `missing or non-string required field "${f}"`,
      }));
    }
    const key = `${apiVersion}|${kind}`;
    const crd = this.#crdSchemas.get(key);
    if (crd) {
      // Type meta and ObjectMeta are the API server's, whatever the CRD schema says of them.
      const { metadata: _metadata, apiVersion: _apiVersion, kind: _kind, ...rest } = doc;
      return validateStructural(crd, rest, { strict: this.#strict });
    }
    const model = this.#registry.getByKey(key);
    if (!model) return undefined;
    return validateWithSchema(model, doc, { strict: this.#strict, learnShapes: true });
  }

  /**
   * Parses and validates files. CRDs found in any file are registered first, so custom
   * resources validate regardless of file order. Errors are listed file by file, in the
   * order of `files`.
   *
   * Files are parsed and validated one at a time so their documents are garbage the moment
   * the file is done: kept alive until the end, every parsed document of a large workspace was
   * copied by the young-generation garbage collector and promoted. Only files that can hold a CRD are
   * parsed ahead (files naming `CustomResourceDefinition`, or with an escape sequence that
   * could spell it).
   */
  async validateFiles(files: ManifestFile[]): Promise<ManifestValidationReport> {
    const report: ManifestValidationReport = {
      files: files.length,
      documents: 0,
      validated: 0,
      skipped: [],
      errors: [],
    };

    const parsedAhead = new Map<number, ParsedFile>();
    files.forEach((file, i) => {
      if (!WORKFLOW_PATH.test(file.path) && mayHoldCustomResourceDefinition(file.content)) {
        const parsed = this.#parse(file);
        for (const d of parsed.documents) this.#registerIfCrd(file.path, d, parsed.errors);
        parsedAhead.set(i, parsed);
      }
    });

    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      if (WORKFLOW_PATH.test(file.path)) {
        report.documents += 1;
        report.validated += 1;
        for (const v of validateWorkflow(file.path, file.content)) {
          report.errors.push({ file: file.path, document: 0, ...v });
        }
        continue;
      }
      const parsed = parsedAhead.get(i) ?? this.#parse(file);
      parsedAhead.delete(i);
      report.errors.push(...parsed.errors);
      for (const d of parsed.documents) {
        report.documents += 1;
        const pending = this.#validateDocument(file.path, d.index, d.doc, '', report);
        if (pending) await pending;
      }
    }
    return report;
  }

  /** Parses one YAML or JSON file into its non-empty documents; a syntax error ends the file. */
  #parse(file: ManifestFile): ParsedFile {
    const documents: ParsedDocument[] = [];
    const errors: ManifestValidationError[] = [];
    if (file.path.endsWith('.json')) {
      try {
        documents.push({ index: 0, doc: JSON.parse(file.content) });
      } catch (e) {
        errors.push({
          file: file.path,
          document: 0,
          path: '',
          message: `invalid JSON: ${(e as Error).message}`,
        });
      }
      return { documents, errors };
    }
    let index = 0;
    try {
      // CORE_SCHEMA: YAML 1.2 core types only, so dates stay strings as the API server reads them.
      // Duplicate keys are errors in strict mode (the API server reports them under
      // fieldValidation=Strict); otherwise the last one wins, as in sigs.k8s.io/yaml.
      loadAll(
        file.content,
        doc => {
          if (doc !== null && doc !== undefined) documents.push({ index, doc });
          index += 1;
        },
        { schema: CORE_SCHEMA, json: !this.#strict, filename: file.path },
      );
    } catch (e) {
      const mark = (e as YAMLException).mark;
      errors.push({
        file: file.path,
        document: index,
        path: mark ? `line ${mark.line + 1}, column ${mark.column + 1}` : '',
        message: `invalid YAML: ${(e as YAMLException).reason ?? (e as Error).message}`,
      });
    }
    return { documents, errors };
  }

  #registerIfCrd(file: string, d: ParsedDocument, errors: ManifestValidationError[]): void {
    const doc = d.doc as Json;
    if (
      doc &&
      typeof doc === 'object' &&
      doc.kind === 'CustomResourceDefinition' &&
      typeof doc.apiVersion === 'string' &&
      doc.apiVersion.startsWith('apiextensions.k8s.io/')
    ) {
      try {
        this.addCustomResourceDefinition(doc);
      } catch (e) {
        errors.push({
          file,
          document: d.index,
          object: describe(doc),
          path: '/spec/versions',
          message: `invalid CustomResourceDefinition: ${(e as Error).message}`,
        });
      }
    }
  }

  /**
   * Validates a document or a `List` item. Synchronous except for catalog entities, whose
   * validators are async: then it returns a promise, and List items stay in order.
   */
  #validateDocument(
    file: string,
    index: number,
    raw: unknown,
    prefix: string,
    report: ManifestValidationReport,
  ): Promise<void> | undefined {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      if (prefix) {
        report.errors.push({ file, document: index, path: prefix, message: 'must be object' });
      }
      return undefined;
    }
    const doc = raw as Json;
    if (!('apiVersion' in doc) && !('kind' in doc)) {
      if (!prefix) {
        report.skipped.push({
          file,
          document: index,
          category: 'not-kubernetes',
          reason: 'not a Kubernetes object or catalog entity (no apiVersion and no kind)',
        });
      }
      return undefined;
    }
    if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
      const items = doc.items;
      let pending: Promise<void> | undefined = undefined;
      for (let i = 0; i < items.length; i++) {
        const next = () => this.#validateDocument(file, index, items[i], `${prefix}/items/${i}`, report);
        pending = pending ? pending.then(next) : next();
      }
      const kind = doc.kind;
      const list = () =>
        this.#registry.has(String(doc.apiVersion), kind)
          ? this.#validateOne(file, index, doc, prefix, report)
          : undefined;
      return pending ? pending.then(list) : list();
    }
    return this.#validateOne(file, index, doc, prefix, report);
  }

  #validateOne(
    file: string,
    index: number,
    doc: Json,
    prefix: string,
    report: ManifestValidationReport,
  ): Promise<void> | undefined {
    if (isCatalogEntityDocument(doc)) {
      report.validated += 1;
      const object = describe(doc);
      return validateCatalogEntity(doc).then(violations => {
        for (const v of violations) {
          report.errors.push({ file, document: index, object, path: prefix + v.path, message: v.message });
        }
      });
    }
    const violations = this.validateObject(doc);
    if (violations === undefined) {
      report.skipped.push({
        file,
        document: index,
        object: describe(doc),
        category: 'no-schema',
        reason: `no schema known for apiVersion "${String(doc.apiVersion)}" kind "${String(doc.kind)}"`,
      });
      return undefined;
    }
    report.validated += 1;
    if (violations.length === 0) return undefined;
    const object = describe(doc);
    for (const v of violations) {
      report.errors.push({ file, document: index, object, path: prefix + v.path, message: v.message });
    }
    return undefined;
  }

}
