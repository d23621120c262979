import { LoggerService } from '@backstage/backend-plugin-api';
import { TemplateAction } from '@backstage/plugin-scaffolder-node';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A logger that records every message and its metadata as one line of text. */
export function createCapturingLogger(): LoggerService & { lines: string[] } {
  const lines: string[] = [];
  const make = (prefix: string): LoggerService & { lines: string[] } => {
    const log = (level: string) => (message: string, meta?: unknown) => {
      lines.push(`${level} ${prefix}${message} ${meta === undefined ? '' : JSON.stringify(meta)}`);
    };
    return {
      lines,
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: (meta: Record<string, unknown>) => make(`${prefix}${JSON.stringify(meta)} `),
    };
  };
  return make('');
}

/** Creates a fresh temporary workspace folder. */
export function createTempDir(prefix = 'goldenpath-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Lists files under `dir`, relative, POSIX separators, sorted. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/**
 * Validates an action input against the action's JSON schema the way the scaffolder does
 * before calling the handler. Returns the error messages (empty when valid).
 */
export function validateActionInput(action: TemplateAction<any, any, any>, input: unknown): string[] {
  const ajv = new Ajv({ strict: false, allErrors: true, useDefaults: true });
  addFormats(ajv);
  const validate = ajv.compile(action.schema?.input as object);
  if (validate(input)) return [];
  return (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}`);
}
