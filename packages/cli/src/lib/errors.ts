/**
 * A failure the CLI reports as one clear message and a non-zero exit code, without a stack trace.
 * @public
 */
export class CliError extends Error {
  /** Process exit code to use; 1 for a failed run, 2 for bad usage or input. */
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}
