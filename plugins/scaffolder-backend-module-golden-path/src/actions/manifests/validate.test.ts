import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { createCapturingLogger, createTempDir } from '../../__testUtils__';
import { createManifestsValidateAction } from './validate';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web@sha256:${'d'.repeat(64)}
`;

describe('goldenpath:manifests:validate', () => {
  let workspacePath: string;
  beforeEach(() => {
    jest.resetAllMocks();
    workspacePath = createTempDir();
    fs.mkdirSync(path.join(workspacePath, 'deploy'));
    fs.writeFileSync(path.join(workspacePath, 'deploy/web.yaml'), DEPLOYMENT);
    fs.writeFileSync(path.join(workspacePath, 'mkdocs.yml'), 'site_name: web\n');
  });
  afterEach(() => fs.rmSync(workspacePath, { recursive: true, force: true }));

  const run = (input: Record<string, unknown> = {}, isDryRun = false) => {
    const logger = createCapturingLogger();
    const ctx = { ...createMockActionContext({ input: input as any, workspacePath, logger }), isDryRun };
    return { ctx, logger, promise: createManifestsValidateAction().handler(ctx) };
  };

  it('should pass a valid workspace and output the counts', async () => {
    const { ctx, promise } = run();
    await promise;
    expect(ctx.output).toHaveBeenCalledWith('valid', true);
    expect(ctx.output).toHaveBeenCalledWith('validated', 1);
    expect(ctx.output).toHaveBeenCalledWith('errors', []);
  });

  it('should fail listing file, document, object, path and message for every error, also in a dry run', async () => {
    fs.writeFileSync(
      path.join(workspacePath, 'deploy/broken.yaml'),
      `${DEPLOYMENT}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: http\n  selectr: {}\n`,
    );
    const { ctx, logger, promise } = run({}, true);
    await expect(promise).rejects.toThrow(
      'Manifest validation failed with 2 error(s):\n' +
        'deploy/broken.yaml#1 Service/web /spec/ports/0/port: must be integer\n' +
        'deploy/broken.yaml#1 Service/web /spec: unknown field "selectr"',
    );
    expect(ctx.output).toHaveBeenCalledWith('valid', false);
    expect(logger.lines.filter(l => l.startsWith('error'))).toHaveLength(2);
  });

  it('should list objects without a schema and fail on them only when asked', async () => {
    fs.writeFileSync(path.join(workspacePath, 'deploy/widget.yaml'), 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n');
    const first = run();
    await first.promise;
    expect(first.ctx.output).toHaveBeenCalledWith('skipped', ['deploy/widget.yaml#0 Widget/w']);
    await expect(run({ failOnUnknownKinds: true }).promise).rejects.toThrow(/deploy\/widget.yaml#0 Widget\/w \/kind: no schema known/);
  });

  it('should refuse path traversal, absolute paths and symlinks planted in the workspace', async () => {
    await expect(run({ path: '../' }).promise).rejects.toThrow("path must not contain '..' segments");
    await expect(run({ path: '/etc' }).promise).rejects.toThrow("path must be relative to the workspace, got absolute path '/etc'");
    const outside = createTempDir();
    fs.writeFileSync(path.join(outside, 'x.yaml'), 'a: 1\n');
    fs.symlinkSync(outside, path.join(workspacePath, 'deploy/linked'));
    await expect(run().promise).rejects.toThrow("Refusing to read the symbolic link 'deploy/linked' in the workspace");
    fs.rmSync(outside, { recursive: true, force: true });
  });
});
