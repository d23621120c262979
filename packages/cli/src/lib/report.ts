import { DryRunResponse } from './ScaffolderDryRunClient';

/**
 * Final state of one template step in a dry run.
 * - `completed`, `failed`, `skipped`: as the scaffolder reported it (`skipped` covers a false
 *   `if` and actions without dry-run support)
 * - `not-run`: the scaffolder reported nothing for the step
 * @public
 */
export type StepState = 'completed' | 'failed' | 'skipped' | 'not-run';

/**
 * One step with its final state and its log lines.
 * @public
 */
export interface StepReport {
  id: string;
  name: string;
  action: string;
  state: StepState;
  /** Log messages of the step without terminal colour codes, in order. */
  log: string[];
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * Turns the scaffolder's flat dry-run log into one report per template step.
 * @public
 */
export function summarizeSteps(response: Pick<DryRunResponse, 'log' | 'steps'>): StepReport[] {
  const byId = new Map<string, StepReport>();
  const reports = response.steps.map(step => {
    const report: StepReport = { id: step.id, name: step.name, action: step.action, state: 'not-run', log: [] };
    byId.set(step.id, report);
    return report;
  });
  for (const entry of response.log) {
    const report = entry.body.stepId ? byId.get(entry.body.stepId) : undefined;
    if (!report) continue;
    const status = entry.body.status;
    if (status === 'completed' || status === 'failed' || status === 'skipped') {
      report.state = status;
    }
    if (status !== 'processing' && status !== 'completed') {
      report.log.push(entry.body.message.replace(ANSI, ''));
    }
  }
  return reports;
}

const MARK: Record<StepState, string> = {
  completed: '✔',
  failed: '✖',
  skipped: '○',
  'not-run': '·',
};

/** Log lines shown per step without `--verbose`; fetch steps log one line per written file. */
const MAX_LINES_PER_STEP = 8;

/**
 * Formats the step list with one mark per step and, under each step, its log lines.
 *
 * @param verbose - print every log line in full; otherwise the first line of each message, at
 *   most 8 per step
 * @public
 */
export function formatSteps(steps: StepReport[], verbose = false): string[] {
  const lines: string[] = [];
  steps.forEach((step, index) => {
    lines.push(`${MARK[step.state]} [${index + 1}/${steps.length}] ${step.name} (${step.action}) ${step.state}`);
    const shown = verbose
      ? step.log.flatMap(message => message.split('\n'))
      : step.log.map(message => message.split('\n')[0]);
    const limit = verbose ? shown.length : MAX_LINES_PER_STEP;
    for (const l of shown.slice(0, limit)) lines.push(`    ${l}`);
    if (shown.length > limit) {
      lines.push(`    … ${shown.length - limit} more log lines (--verbose shows them)`);
    }
  });
  return lines;
}

interface TreeNode {
  children: Map<string, TreeNode>;
}

/**
 * Draws file paths as a tree, folders first, each level sorted by name.
 *
 * @param paths - POSIX paths relative to the repository root
 * @param rootLabel - first line of the drawing, e.g. the repository name
 * @public
 */
export function formatFileTree(paths: string[], rootLabel: string): string[] {
  const root: TreeNode = { children: new Map() };
  for (const p of paths) {
    let node = root;
    for (const part of p.split('/').filter(Boolean)) {
      let child = node.children.get(part);
      if (!child) {
        child = { children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
  }
  const lines = [`${rootLabel}/`];
  const walk = (node: TreeNode, prefix: string) => {
    const entries = [...node.children.entries()].sort(([a, an], [b, bn]) => {
      const aDir = an.children.size > 0;
      const bDir = bn.children.size > 0;
      if (aDir !== bDir) return aDir ? -1 : 1;
      if (a === b) return 0;
      return a < b ? -1 : 1;
    });
    entries.forEach(([name, child], i) => {
      const last = i === entries.length - 1;
      const isDir = child.children.size > 0;
      lines.push(`${prefix}${last ? '└── ' : '├── '}${name}${isDir ? '/' : ''}`);
      if (isDir) walk(child, `${prefix}${last ? '    ' : '│   '}`);
    });
  };
  walk(root, '');
  return lines;
}
