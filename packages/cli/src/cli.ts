import { Command, CommanderError, Option } from 'commander';
import { CliError } from './lib/errors';
import { CliIo, runDryRun } from './lib/dryRun';

const DRY_RUN_HELP = `
Runs the template through the real Backstage scaffolder dry run and prints, per step, its state
(✔ completed, ✖ failed, ○ skipped: a false "if" or an action without dry-run support) and log,
then the generated file tree and the validation of every YAML/JSON file (Kubernetes and custom
resources, GitHub workflows, catalog-info.yaml). Nothing is published or registered.

Without --backend, a scaffolder with the Goldenpath actions starts inside this process (SQLite in
memory, a random port of 127.0.0.1). With --backend, the dry run goes to that backend's
/api/scaffolder/v2/dry-run; --token (or GOLDENPATH_TOKEN) is sent as the bearer token, e.g. a
static token from backend.auth.externalAccess.

Parameter defaults of the template are applied to values the file leaves out, as the Create form does.

Exit codes: 0 every step passed and every file is valid; 1 a step failed, the values do not match
the template's parameters (each bad parameter is named), or a file is invalid; 2 bad usage or input.

Examples:
  $ goldenpath dry-run templates/golden-path-service --values templates/golden-path-service/examples/values.yaml
  $ goldenpath dry-run templates/validator-node/template.yaml --values my-values.yaml --out /tmp/validator
  $ goldenpath dry-run templates/golden-path-service --values v.yaml --backend http://localhost:7007 --token "$GOLDENPATH_TOKEN"
`;

/**
 * Builds the `goldenpath` command-line program.
 *
 * @param io - where the program prints; exit codes are reported through `setExitCode`
 * @public
 */
export function createProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('goldenpath')
    .description('Goldenpath developer tools: run Software Templates through the real scaffolder.')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({
      writeOut: s => io.out(s.replace(/\n$/, '')),
      writeErr: s => io.err(s.replace(/\n$/, '')),
    });

  program
    .command('dry-run')
    .description('Dry-run a Software Template and validate what it generates.')
    .argument('<template>', 'template.yaml file, or the folder that holds it')
    .requiredOption('--values <file>', 'YAML or JSON file with the parameter values')
    .option('--out <dir>', 'write the generated repository into this folder (must be empty)')
    .option('--force', 'write into a non-empty --out folder, replacing files', false)
    .option('--backend <url>', 'base URL of a running Backstage backend, e.g. http://localhost:7007')
    .addOption(new Option('--token <token>', 'bearer token for --backend').env('GOLDENPATH_TOKEN'))
    .option('--verbose', 'print multi-line step logs in full', false)
    .addHelpText('after', DRY_RUN_HELP)
    .exitOverride()
    .action(async (template: string, opts) => {
      const outcome = await runDryRun(
        {
          template,
          values: opts.values,
          out: opts.out,
          force: opts.force,
          backend: opts.backend,
          token: opts.token,
          verbose: opts.verbose,
        },
        io,
      );
      setExitCode(outcome.exitCode);
    });

  return program;
}

/**
 * Runs the `goldenpath` CLI.
 *
 * @param argv - arguments after the program name, e.g. `['dry-run', 'templates/x', '--values', 'v.yaml']`
 * @returns the process exit code (0 success, 1 failed run, 2 bad usage or input)
 * @public
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = createProgram(io, code => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through exitOverride with code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof CliError) {
      io.err(`✖ ${e.message}`);
      return e.exitCode;
    }
    io.err(`✖ ${(e as Error)?.stack ?? String(e)}`);
    return 1;
  }
}
