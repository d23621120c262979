import type {
  DeploymentEvent,
  DeploymentStatusEvent,
  IssuesEvent,
  PullRequestEvent,
  User,
} from '@octokit/webhooks-types';

/**
 * Kinds of delivery events Goldenpath stores for DORA.
 * @public
 */
export type DeliveryEventKind =
  | 'pull_request_merged'
  | 'deployment'
  | 'deployment_status'
  | 'incident_opened'
  | 'incident_closed';

/**
 * A GitHub webhook normalised into one row of `delivery_events`.
 *
 * Times are ISO-8601 strings in UTC. `eventId` identifies the logical event (the same pull request
 * merged, the same deployment status) independently of the delivery that carried it.
 *
 * @public
 */
export type DeliveryEvent = {
  deliveryId: string;
  eventId: string;
  kind: DeliveryEventKind;
  /** `owner/repo`, lower-cased, as in the `github.com/project-slug` annotation. */
  repository: string;
  ts: string;
  environment: string;
  /** Deployment status state (`success`, `failure`, `error`, …); empty for other kinds. */
  state: string;
  deploymentId: number;
  sha: string;
  /** Pull request or issue number; 0 for deployments. */
  number: number;
  /** Time of the pull request's first commit; `null` when unknown. */
  firstCommitAt: string | null;
  /** Where `firstCommitAt` came from: `commits-api`, `pr-created-at` or empty. */
  firstCommitSource: string;
  author: string;
  authorIsBot: boolean;
  /** Deployment that re-deploys an earlier version (task, description or payload says rollback). */
  isRollback: boolean;
};

/**
 * Label that marks an issue as an incident.
 * @public
 */
export const INCIDENT_LABEL = 'incident';

/**
 * Looks up the time of a pull request's first commit (for lead time for changes). Pull request
 * webhooks carry no commits; an adopter can plug in a GitHub API lookup. Returns `undefined` when
 * unknown, and the normaliser then falls back to the pull request's creation time.
 * @public
 */
export type FirstCommitResolver = (pr: {
  repository: string;
  number: number;
}) => Promise<string | undefined>;

function isBot(user: Pick<User, 'type' | 'login'> | null | undefined): boolean {
  if (!user) {
    return false;
  }
  return user.type === 'Bot' || /\[bot\]$/i.test(user.login);
}

function isoUtc(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw new TypeError(`${field} must be an ISO-8601 timestamp string, got ${typeof value}`);
  }
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new TypeError(`${field} is not a valid timestamp: ${String(value)}`);
  }
  return new Date(ms).toISOString();
}

const ROLLBACK = /\b(roll\s?back|rollback|revert)\b/i;

function mentionsRollback(deployment: DeploymentEvent['deployment']): boolean {
  const payload = deployment.payload as unknown;
  const payloadFlag =
    typeof payload === 'object' &&
    payload !== null &&
    (payload as Record<string, unknown>).rollback === true;
  return (
    payloadFlag ||
    ROLLBACK.test(deployment.task ?? '') ||
    ROLLBACK.test(deployment.description ?? '')
  );
}

function base(deliveryId: string, repository: string) {
  return {
    deliveryId,
    repository: repository.toLocaleLowerCase('en-US'),
    environment: '',
    state: '',
    deploymentId: 0,
    sha: '',
    number: 0,
    firstCommitAt: null,
    firstCommitSource: '',
    author: '',
    authorIsBot: false,
    isRollback: false,
  };
}

/**
 * Names of the webhook events that can yield a delivery event.
 * @public
 */
export const HANDLED_GITHUB_EVENTS = [
  'pull_request',
  'deployment',
  'deployment_status',
  'issues',
] as const;

/**
 * A pull request's first-commit time still to be decided: by a {@link FirstCommitResolver} when one
 * is configured, otherwise (or when it knows nothing) by the pull request's `created_at`.
 * @public
 */
export type PendingFirstCommit = {
  repository: string;
  number: number;
  /** `pull_request.created_at` as received (validated only when it is used). */
  createdAt: unknown;
};

/**
 * What {@link normalizeGithubPayload} made of one webhook: the delivery event, or `null` when the
 * event is not a DORA input; for a merged pull request whose first commit was left to a resolver,
 * `firstCommit` says what to look up (pass it to {@link completeFirstCommit}).
 * @public
 */
export type NormalizedGithubPayload = {
  event: DeliveryEvent | null;
  firstCommit?: PendingFirstCommit;
};

/**
 * Sets a merged pull request's first-commit time: `resolved` (an ISO-8601 time from a
 * {@link FirstCommitResolver}) when given, otherwise the pull request's creation time.
 *
 * @throws TypeError naming the field when the time used is not a valid timestamp
 * @public
 */
export function completeFirstCommit(
  event: DeliveryEvent,
  pending: PendingFirstCommit,
  resolved: string | undefined,
): DeliveryEvent {
  event.firstCommitAt = resolved
    ? isoUtc(resolved, 'first commit time')
    : isoUtc(pending.createdAt, 'pull_request.created_at');
  event.firstCommitSource = resolved ? 'commits-api' : 'pr-created-at';
  return event;
}

/**
 * Turns one GitHub webhook into a delivery event, or `null` when the event is not a DORA input
 * (unhandled event name, a pull request closed without merge, an issue without the `incident`
 * label, an action other than opened/closed).
 *
 * Handled: `pull_request` closed and merged (ts = `merged_at`; first commit from `resolveFirstCommit`
 * or the PR's `created_at`), `deployment` created, `deployment_status` (any state), `issues` opened,
 * reopened, labelled `incident` (ts = `created_at`) and closed (ts = `closed_at`) when the issue
 * carries the `incident` label.
 *
 * @throws TypeError naming the field when a handled payload lacks a required field
 * @public
 */
export async function normalizeGithubEvent(options: {
  eventName: string;
  deliveryId: string;
  payload: unknown;
  resolveFirstCommit?: FirstCommitResolver;
}): Promise<DeliveryEvent | null> {
  const { resolveFirstCommit } = options;
  const { event, firstCommit } = normalizeGithubPayload({
    ...options,
    deferFirstCommit: resolveFirstCommit !== undefined,
  });
  if (!event || !firstCommit) {
    return event;
  }
  let resolved: string | undefined;
  try {
    resolved = await resolveFirstCommit?.({
      repository: firstCommit.repository,
      number: firstCommit.number,
    });
  } catch {
    // the commit lookup is best effort: the creation time stands in
    resolved = undefined;
  }
  return completeFirstCommit(event, firstCommit, resolved);
}

/**
 * The synchronous part of {@link normalizeGithubEvent} (it runs in the webhook payload worker,
 * which cannot call a resolver). With `deferFirstCommit` a merged pull request comes back with
 * `firstCommitAt: null` and `firstCommit` set; without, its first commit is its creation time.
 *
 * @throws TypeError naming the field when a handled payload lacks a required field
 * @public
 */
export function normalizeGithubPayload(options: {
  eventName: string;
  deliveryId: string;
  payload: unknown;
  deferFirstCommit?: boolean;
}): NormalizedGithubPayload {
  const { eventName, deliveryId, payload } = options;
  if (typeof payload !== 'object' || payload === null) {
    throw new TypeError('payload must be a JSON object');
  }
  const body = payload as Record<string, any>;
  const handled = (HANDLED_GITHUB_EVENTS as readonly string[]).includes(eventName);
  if (!handled) {
    return { event: null };
  }
  const repository = body.repository?.full_name;
  if (typeof repository !== 'string' || repository === '') {
    throw new TypeError('repository.full_name is required');
  }

  switch (eventName) {
    case 'pull_request': {
      const event = body as PullRequestEvent;
      const pr = event.pull_request;
      if (typeof pr !== 'object' || pr === null) {
        throw new TypeError('pull_request is required');
      }
      if (event.action !== 'closed' || pr.merged !== true) {
        return { event: null };
      }
      const mergedAt = isoUtc(pr.merged_at, 'pull_request.merged_at');
      const merged: DeliveryEvent = {
        ...base(deliveryId, repository),
        eventId: `pr:${pr.number}`,
        kind: 'pull_request_merged',
        ts: mergedAt,
        sha: pr.merge_commit_sha ?? '',
        number: pr.number,
        author: pr.user?.login ?? '',
        authorIsBot: isBot(pr.user),
      };
      const firstCommit = { repository, number: pr.number, createdAt: pr.created_at };
      if (options.deferFirstCommit) {
        return { event: merged, firstCommit };
      }
      return { event: completeFirstCommit(merged, firstCommit, undefined) };
    }
    case 'deployment': {
      const event = body as DeploymentEvent;
      const deployment = event.deployment;
      if (typeof deployment !== 'object' || deployment === null) {
        throw new TypeError('deployment is required');
      }
      if (event.action !== 'created') {
        return { event: null };
      }
      return { event: {
        ...base(deliveryId, repository),
        eventId: `deployment:${deployment.id}`,
        kind: 'deployment',
        ts: isoUtc(deployment.created_at, 'deployment.created_at'),
        environment: String(deployment.environment ?? ''),
        deploymentId: Number(deployment.id),
        sha: deployment.sha ?? '',
        author: deployment.creator?.login ?? '',
        authorIsBot: isBot(deployment.creator),
        isRollback: mentionsRollback(deployment),
      } };
    }
    case 'deployment_status': {
      const event = body as DeploymentStatusEvent;
      const status = event.deployment_status;
      const deployment = event.deployment;
      if (typeof status !== 'object' || status === null) {
        throw new TypeError('deployment_status is required');
      }
      if (typeof deployment !== 'object' || deployment === null) {
        throw new TypeError('deployment is required');
      }
      return { event: {
        ...base(deliveryId, repository),
        eventId: `deployment_status:${status.id}`,
        kind: 'deployment_status',
        ts: isoUtc(status.created_at, 'deployment_status.created_at'),
        environment: String(status.environment ?? deployment.environment ?? ''),
        state: String(status.state ?? ''),
        deploymentId: Number(deployment.id),
        sha: deployment.sha ?? '',
        author: status.creator?.login ?? '',
        authorIsBot: isBot(status.creator),
        isRollback: mentionsRollback(deployment),
      } };
    }
    case 'issues': {
      const event = body as IssuesEvent;
      const issue = event.issue;
      if (typeof issue !== 'object' || issue === null) {
        throw new TypeError('issue is required');
      }
      const labels = (issue.labels ?? []).map(l =>
        (l?.name ?? '').toLocaleLowerCase('en-US'),
      );
      if (!labels.includes(INCIDENT_LABEL)) {
        return { event: null };
      }
      const opened =
        event.action === 'opened' ||
        event.action === 'reopened' ||
        (event.action === 'labeled' &&
          (event as { label?: { name?: string } }).label?.name?.toLocaleLowerCase('en-US') ===
            INCIDENT_LABEL);
      if (opened) {
        return { event: {
          ...base(deliveryId, repository),
          eventId: `incident:${issue.number}:opened`,
          kind: 'incident_opened',
          ts: isoUtc(issue.created_at, 'issue.created_at'),
          number: issue.number,
          author: issue.user?.login ?? '',
          authorIsBot: isBot(issue.user),
        } };
      }
      if (event.action === 'closed') {
        return { event: {
          ...base(deliveryId, repository),
          eventId: `incident:${issue.number}:closed`,
          kind: 'incident_closed',
          ts: isoUtc(issue.closed_at, 'issue.closed_at'),
          number: issue.number,
          author: issue.user?.login ?? '',
          authorIsBot: isBot(issue.user),
        } };
      }
      return { event: null };
    }
    default:
      return { event: null };
  }
}
