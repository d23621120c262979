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
    const crd = this.#crdSchemas.get(`${apiVersion}|${kind}`);
    if (crd) {
      // Type meta and ObjectMeta are the API server's, whatever the CRD schema says of them.
      const { metadata: _metadata, apiVersion: _apiVersion, kind: _kind, ...rest } = doc;
      return validateStructural(crd, rest, { strict: this.#strict });
    }
    const model = this.#registry.get(apiVersion, kind);
    if (!model) return undefined;
    return validateWithSchema(model, doc, { strict: this.#strict });
  }

  /**
   * Parses and validates files. CRDs found in any file are registered first, so custom
   * resources validate regardless of file order.
   */
  async validateFiles(files: ManifestFile[]): Promise<ManifestValidationReport> {
    const report: ManifestValidationReport = {
      files: files.length,
      documents: 0,
      validated: 0,
      skipped: [],
      errors: [],
    };
    const parsed: Array<{ file: string; index: number; doc: unknown }> = [];

    for (const file of files) {
      if (WORKFLOW_PATH.test(file.path)) {
        report.documents += 1;
        report.validated += 1;
        for (const v of validateWorkflow(file.path, file.content)) {
          report.errors.push({ file: file.path, document: 0, ...v });
        }
        continue;
      }
      if (file.path.endsWith('.json')) {
        try {
          parsed.push({ file: file.path, index: 0, doc: JSON.parse(file.content) });
        } catch (e) {
          report.errors.push({
            file: file.path,
            document: 0,
            path: '',
            message: `invalid JSON: ${(e as Error).message}`,
          });
        }
        continue;
      }
      let index = 0;
      try {
        // CORE_SCHEMA: YAML 1.2 core types only, so dates stay strings as the API server reads them.
        // Duplicate keys are errors in strict mode (the API server reports them under
        // fieldValidation=Strict); otherwise the last one wins, as in sigs.k8s.io/yaml.
        loadAll(
          file.content,
          doc => {
            if (doc !== null && doc !== undefined) {
              parsed.push({ file: file.path, index, doc });
            }
            index += 1;
          },
          { schema: CORE_SCHEMA, json: !this.#strict, filename: file.path },
        );
      } catch (e) {
        const mark = (e as YAMLException).mark;
        report.errors.push({
          file: file.path,
          document: index,
          path: mark ? `line ${mark.line + 1}, column ${mark.column + 1}` : '',
          message: `invalid YAML: ${(e as YAMLException).reason ?? (e as Error).message}`,
        });
      }
    }

    for (const p of parsed) {
      const doc = p.doc as Json;
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
          report.errors.push({
            file: p.file,
            document: p.index,
            object: describe(doc),
            path: '/spec/versions',
            message: `invalid CustomResourceDefinition: ${(e as Error).message}`,
          });
        }
      }
    }

    for (const p of parsed) {
      report.documents += 1;
      await this.#validateDocument(p.file, p.index, p.doc, '', report);
    }
    return report;
  }

  async #validateDocument(
    file: string,
    index: number,
    raw: unknown,
    prefix: string,
    report: ManifestValidationReport,
  ): Promise<void> {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      if (prefix) {
        report.errors.push({ file, document: index, path: prefix, message: 'must be object' });
      }
      return;
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
      return;
    }
    const object = describe(doc);
    if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
      for (let i = 0; i < doc.items.length; i++) {
        await this.#validateDocument(file, index, doc.items[i], `${prefix}/items/${i}`, report);
      }
      if (!this.#registry.has(String(doc.apiVersion), doc.kind)) return;
    }
    if (isCatalogEntityDocument(doc)) {
      report.validated += 1;
      for (const v of await validateCatalogEntity(doc)) {
        report.errors.push({ file, document: index, object, path: prefix + v.path, message: v.message });
      }
      return;
    }
    const violations = this.validateObject(doc);
    if (violations === undefined) {
      report.skipped.push({
        file,
        document: index,
        object,
        category: 'no-schema',
        reason: `no schema known for apiVersion "${String(doc.apiVersion)}" kind "${String(doc.kind)}"`,
      });
      return;
    }
    report.validated += 1;
    for (const v of violations) {
      report.errors.push({ file, document: index, object, path: prefix + v.path, message: v.message });
    }
  }
}
