import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { runCli } from './cli';

jest.setTimeout(240_000);

const TEMPLATES_DIR = path.resolve(__dirname, '../../../templates');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('goldenpath CLI', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'goldenpath-cli-test-'));

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('should document the dry-run command in --help', async () => {
    const top = capture();
    expect(await runCli(['--help'], top.io)).toBe(0);
    expect(top.out.join('\n')).toContain('dry-run [options] <template>');

    const sub = capture();
    expect(await runCli(['dry-run', '--help'], sub.io)).toBe(0);
    const help = sub.out.join('\n');
    for (const flag of ['--values <file>', '--out <dir>', '--backend <url>', '--token <token>', 'Exit codes']) {
      expect(help).toContain(flag);
    }
  });

  it.each(['golden-path-service', 'validator-node'])(
    'should dry-run %s in-process, exit 0 and write the files',
    async template => {
      const outDir = path.join(tmp, template);
      const { io, out, err } = capture();
      const code = await runCli(
        [
          'dry-run',
          path.join(TEMPLATES_DIR, template),
          '--values',
          path.join(TEMPLATES_DIR, template, 'examples/values.yaml'),
          '--out',
          outDir,
        ],
        io,
      );
      expect({ code, err: err.filter(l => l.startsWith('✖')) }).toEqual({ code: 0, err: [] });
      const stdout = out.join('\n');
      expect(stdout).toMatch(/✔ \[1\/\d+\] Render the .* \(fetch:template\) completed/);
      expect(stdout).toMatch(/✔ \[\d+\/\d+\] Validate every manifest, workflow and catalog file .* completed/);
      expect(stdout).toMatch(/○ \[\d+\/\d+\] Publish to GitHub \(publish:github\) skipped/);
      expect(stdout).toMatch(/Validation: \d+ objects checked in \d+ YAML\/JSON files, 0 errors/);
      expect(stdout).toContain('├── catalog-info.yaml');

      const entity = yaml.parse(fs.readFileSync(path.join(outDir, 'catalog-info.yaml'), 'utf8'));
      const values = yaml.parse(fs.readFileSync(path.join(TEMPLATES_DIR, template, 'examples/values.yaml'), 'utf8'));
      expect(entity.metadata.name).toBe(values.name);
      expect(fs.readdirSync(path.join(outDir, '.github/workflows'))).toContain('policies.yml');
      expect(fs.existsSync(path.join(outDir, 'kyverno/require-signed-images/require-signed-images.yaml'))).toBe(true);
    },
  );

  it('should exit non-zero and name the fields of a broken values file', async () => {
    const values = path.join(tmp, 'broken.yaml');
    const sample = yaml.parse(
      fs.readFileSync(path.join(TEMPLATES_DIR, 'golden-path-service/examples/values.yaml'), 'utf8'),
    );
    fs.writeFileSync(values, yaml.stringify({ ...sample, name: 'Bad Name!', tier: 'platinum' }));
    const outDir = path.join(tmp, 'broken-out');
    const { io, err } = capture();
    const code = await runCli(
      ['dry-run', path.join(TEMPLATES_DIR, 'golden-path-service'), '--values', values, '--out', outDir],
      io,
    );
    expect(code).toBe(1);
    const stderr = err.join('\n');
    expect(stderr).toMatch(/^\s+- name: does not match pattern/m);
    expect(stderr).toMatch(/^\s+- tier: is not one of enum values/m);
    expect(fs.existsSync(outDir)).toBe(false);
  });

  describe('with a template that generates an invalid Deployment', () => {
    function writeTemplate(dir: string, withValidateStep: boolean): void {
      fs.mkdirSync(path.join(dir, 'skeleton'), { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'template.yaml'),
        yaml.stringify({
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'broken-deployment' },
          spec: {
            owner: 'group:default/platform-team',
            type: 'service',
            parameters: [{ required: ['name'], properties: { name: { type: 'string' } } }],
            steps: [
              { id: 'fetch', name: 'Render', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name }}' } } },
              ...(withValidateStep
                ? [{ id: 'validate', name: 'Validate', action: 'goldenpath:manifests:validate', input: {} }]
                : []),
            ],
          },
        }),
      );
      fs.writeFileSync(
        path.join(dir, 'skeleton/deployment.yaml'),
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          '  name: ${{ values.name }}',
          'spec:',
          '  replicas: three',
          '  selector: { matchLabels: { app: x } }',
          '  template:',
          '    metadata: { labels: { app: x } }',
          `    spec: { containers: [{ name: app, image: "nginx@sha256:${'a'.repeat(64)}" }] }`,
          '',
        ].join('\n'),
      );
      fs.writeFileSync(path.join(dir, 'values.yaml'), 'name: broken\n');
    }

    it('should exit 1 when the validate step fails, naming file and path', async () => {
      const dir = path.join(tmp, 'broken-with-step');
      writeTemplate(dir, true);
      const { io, err } = capture();
      expect(await runCli(['dry-run', dir, '--values', path.join(dir, 'values.yaml')], io)).toBe(1);
      expect(err.join('\n')).toMatch(/Manifest validation failed[\s\S]*deployment\.yaml#0 Deployment\/broken \/spec\/replicas/);
    });

    it('should exit 1 when a generated file is invalid even without a validate step', async () => {
      const dir = path.join(tmp, 'broken-without-step');
      writeTemplate(dir, false);
      const { io, out } = capture();
      expect(await runCli(['dry-run', dir, '--values', path.join(dir, 'values.yaml')], io)).toBe(1);
      const stdout = out.join('\n');
      expect(stdout).toContain('✔ [1/1] Render (fetch:template) completed');
      expect(stdout).toMatch(/✖ deployment\.yaml#0 Deployment\/broken \/spec\/replicas: /);
    });
  });

  it('should exit 2 with a clear message for a missing template or values file', async () => {
    const missingTemplate = capture();
    expect(
      await runCli(['dry-run', path.join(tmp, 'nope'), '--values', path.join(tmp, 'nope.yaml')], missingTemplate.io),
    ).toBe(2);
    expect(missingTemplate.err.join('\n')).toContain('Template not found');

    const missingValues = capture();
    expect(
      await runCli(
        ['dry-run', path.join(TEMPLATES_DIR, 'validator-node'), '--values', path.join(tmp, 'nope.yaml')],
        missingValues.io,
      ),
    ).toBe(2);
    expect(missingValues.err.join('\n')).toContain('Values file not found');

    const noValuesFlag = capture();
    expect(await runCli(['dry-run', path.join(TEMPLATES_DIR, 'validator-node')], noValuesFlag.io)).toBe(2);
    expect(noValuesFlag.err.join('\n')).toContain("required option '--values <file>' not specified");
  });

  it('should refuse --token without --backend and report an unreachable backend', async () => {
    const values = path.join(TEMPLATES_DIR, 'validator-node/examples/values.yaml');
    const tokenOnly = capture();
    expect(
      await runCli(['dry-run', path.join(TEMPLATES_DIR, 'validator-node'), '--values', values, '--token', 'secret-token-123'], tokenOnly.io),
    ).toBe(2);
    expect(tokenOnly.err.join('\n')).toContain('--token needs --backend');
    expect(tokenOnly.err.join('\n')).not.toContain('secret-token-123');

    const unreachable = capture();
    expect(
      await runCli(
        ['dry-run', path.join(TEMPLATES_DIR, 'validator-node'), '--values', values, '--backend', 'http://127.0.0.1:1', '--token', 'secret-token-123'],
        unreachable.io,
      ),
    ).toBe(1);
    expect(unreachable.err.join('\n')).toContain('Cannot reach the scaffolder at http://127.0.0.1:1/api/scaffolder/v2/dry-run');
    expect(unreachable.err.join('\n')).not.toContain('secret-token-123');
  });

  it('should refuse to write into a non-empty --out folder without --force', async () => {
    const outDir = path.join(tmp, 'occupied');
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, 'keep.txt'), 'mine');
    const { io, err } = capture();
    const code = await runCli(
      [
        'dry-run',
        path.join(TEMPLATES_DIR, 'validator-node'),
        '--values',
        path.join(TEMPLATES_DIR, 'validator-node/examples/values.yaml'),
        '--out',
        outDir,
      ],
      io,
    );
    expect(code).toBe(2);
    expect(err.join('\n')).toContain('is not empty');
    expect(fs.readdirSync(outDir)).toEqual(['keep.txt']);
  });
});
