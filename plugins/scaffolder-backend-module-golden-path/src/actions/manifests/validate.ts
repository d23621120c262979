import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { InputError } from '@backstage/errors';
import { resolveWorkspacePath } from '../../lib/workspace';
import {
  ManifestValidationError,
  ManifestValidator,
  readManifestFiles,
} from '../../validation';
import { examples } from './validate.examples';

/**
 * Formats one error as `file#document Kind/name /path: message`.
 * @public
 */
export function formatManifestError(e: ManifestValidationError): string {
  const where = [`${e.file}#${e.document}`, e.object, e.path || '/'].filter(Boolean).join(' ');
  return `${where}: ${e.message}`;
}

/**
 * Creates `goldenpath:manifests:validate`: parses every YAML/JSON file under `path` in the
 * workspace (multi-document) and validates Kubernetes objects, Kyverno and other custom
 * resources (including `ValidatorNode` and CRDs found in the workspace), GitHub workflows and
 * catalog entities. Fails listing file, document, object, path and message for every error.
 * Validation has no side effect, so a dry run behaves exactly like a real run.
 * @public
 */
export function createManifestsValidateAction() {
  return createTemplateAction({
    id: 'goldenpath:manifests:validate',
    description:
      'Validates every YAML/JSON file in the workspace: Kubernetes objects and custom resources against their schemas, GitHub workflows against the workflow schema, catalog-info.yaml with the catalog validators.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z
            .string()
            .default('.')
            .describe('Directory inside the workspace to validate, relative to the workspace root.'),
        strict: z =>
          z
            .boolean()
            .default(true)
            .describe(
              'Reject unknown fields and duplicate keys, like the API server with fieldValidation=Strict (kubectl default).',
            ),
        failOnUnknownKinds: z =>
          z
            .boolean()
            .default(false)
            .describe(
              'Fail when an object has an apiVersion/kind without a known schema instead of listing it as skipped.',
            ),
      },
      output: {
        valid: z => z.boolean().describe('True when no error was found.'),
        documents: z => z.number().describe('YAML/JSON documents parsed.'),
        validated: z => z.number().describe('Objects checked against a schema.'),
        skipped: z =>
          z.array(z.string()).describe('Objects without a known schema, as "file#doc Kind/name".'),
        errors: z =>
          z
            .array(
              z.object({
                file: z.string(),
                document: z.number(),
                object: z.string().optional(),
                path: z.string(),
                message: z.string(),
              }),
            )
            .describe('Every error found (empty when valid).'),
      },
    },
    async handler(ctx) {
      const dir = await resolveWorkspacePath(ctx.workspacePath, ctx.input.path ?? '.', 'path');
      const files = await readManifestFiles(ctx.workspacePath, dir);
      const validator = ManifestValidator.create({ strict: ctx.input.strict ?? true });
      const report = await validator.validateFiles(files);

      const unknownKinds = report.skipped.filter(s => s.category === 'no-schema');
      const skipped = unknownKinds.map(
        s => `${s.file}#${s.document}${s.object ? ` ${s.object}` : ''}`,
      );
      const errors = [...report.errors];
      if (ctx.input.failOnUnknownKinds) {
        for (const s of unknownKinds) {
          errors.push({ file: s.file, document: s.document, object: s.object, path: '/kind', message: s.reason });
        }
      }
      ctx.logger.info(
        `Validated ${report.validated} of ${report.documents} documents in ${report.files} files; ${errors.length} errors, ${skipped.length} without a known schema`,
      );
      for (const s of unknownKinds) {
        ctx.logger.warn(`Not validated: ${s.file}#${s.document} ${s.object ?? ''} (${s.reason})`);
      }

      ctx.output('valid', errors.length === 0);
      ctx.output('documents', report.documents);
      ctx.output('validated', report.validated);
      ctx.output('skipped', skipped);
      ctx.output('errors', errors);

      if (errors.length > 0) {
        const lines = errors.map(formatManifestError);
        for (const line of lines) ctx.logger.error(line);
        throw new InputError(
          `Manifest validation failed with ${errors.length} error(s):\n${lines.join('\n')}`,
        );
      }
    },
  });
}
