import fs from 'node:fs';
import path from 'node:path';
import type { SchemaViolation } from './strict';

type ParserModules = {
  TemplateContext: new (errors: unknown, schema: unknown, trace: unknown) => {
    errors: { getErrors(): Array<{ message: string; range?: { start: { line: number; column: number } } }> };
    getFileId(name: string): number;
    error(fileId: number, message: string, range?: unknown): void;
  };
  TemplateValidationErrors: new () => unknown;
  readTemplate: (context: unknown, type: string, reader: unknown, fileId: number) => unknown;
  YamlObjectReader: new (fileId: number, content: string) => { errors: Array<{ message: string; range?: unknown }> };
  schema: unknown;
  WORKFLOW_ROOT: string;
};

let cached: ParserModules | undefined;

/**
 * Loads GitHub's workflow parser (`@actions/workflow-parser`) piece by piece. Its package entry
 * imports the workflow schema JSON without an import attribute, which native Node ESM refuses,
 * so the schema is read from disk and the parser modules that do not import it are loaded directly.
 */
function loadParser(): ParserModules {
  if (cached) return cached;
  const searchPaths = require.resolve.paths('@actions/workflow-parser') ?? [];
  const dir = searchPaths
    .map(p => path.join(p, '@actions/workflow-parser'))
    .find(p => fs.existsSync(path.join(p, 'package.json')));
  if (!dir) {
    throw new Error('@actions/workflow-parser is not installed');
  }
  const dist = path.join(dir, 'dist');
  /* eslint-disable @backstage/no-undeclared-imports */
  const ctx = require(path.join(dist, 'templates/template-context.js'));
  const reader = require(path.join(dist, 'templates/template-reader.js'));
  const yamlReader = require(path.join(dist, 'workflows/yaml-object-reader.js'));
  const jsonReader = require(path.join(dist, 'templates/json-object-reader.js'));
  const schemaMod = require(path.join(dist, 'templates/schema/index.js'));
  const constants = require(path.join(dist, 'workflows/workflow-constants.js'));
  /* eslint-enable @backstage/no-undeclared-imports */
  const schemaJson = fs.readFileSync(path.join(dist, 'workflow-v1.0.min.json'), 'utf8');
  cached = {
    TemplateContext: ctx.TemplateContext,
    TemplateValidationErrors: ctx.TemplateValidationErrors,
    readTemplate: reader.readTemplate,
    YamlObjectReader: yamlReader.YamlObjectReader,
    schema: schemaMod.TemplateSchema.load(new jsonReader.JSONObjectReader(undefined, schemaJson)),
    WORKFLOW_ROOT: constants.WORKFLOW_ROOT,
  };
  return cached;
}

const noTrace = { error() {}, info() {}, verbose() {} };

/**
 * Validates a GitHub Actions workflow file with GitHub's own parser and schema
 * (`@actions/workflow-parser`, the one behind the VS Code Actions extension): YAML syntax,
 * unknown keys, value types, `permissions` scopes (including `id-token`), expressions.
 *
 * @param name - file name used in messages, e.g. `.github/workflows/ci.yml`
 * @param content - workflow YAML
 * @returns violations with `path` set to `line L, column C` when the parser gives a position
 * @public
 */
export function validateWorkflow(name: string, content: string): SchemaViolation[] {
  const p = loadParser();
  const context = new p.TemplateContext(new p.TemplateValidationErrors(), p.schema, noTrace);
  const fileId = context.getFileId(name);
  const reader = new p.YamlObjectReader(fileId, content);
  if (reader.errors.length > 0) {
    for (const err of reader.errors) context.error(fileId, err.message, err.range);
  } else {
    p.readTemplate(context, p.WORKFLOW_ROOT, reader, fileId);
  }
  return context.errors.getErrors().map(e => ({
    path: e.range ? `line ${e.range.start.line}, column ${e.range.start.column}` : '',
    message: e.message,
  }));
}
