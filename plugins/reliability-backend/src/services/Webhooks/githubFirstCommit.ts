import type { LoggerService, RootConfigService } from '@backstage/backend-plugin-api';
import type { FirstCommitResolver } from './normalizeGithubEvent';

/**
 * Builds a {@link FirstCommitResolver} on the GitHub REST API: the earliest author date among the
 * pull request's commits (`GET /repos/{owner}/{repo}/pulls/{number}/commits`, first page of 100,
 * which GitHub returns oldest first).
 *
 * Returns `undefined` from the resolver (so the normaliser falls back to the pull request's
 * `created_at`) on any error, a non-2xx answer or after `timeoutMs`; the token never reaches logs.
 *
 * @param options.token - GitHub token with read access to the repositories' pull requests
 * @param options.apiBaseUrl - default `https://api.github.com` (GitHub Enterprise: `https://<host>/api/v3`)
 * @param options.timeoutMs - default 3000
 * @public
 */
export function createGithubFirstCommitResolver(options: {
  token: string;
  apiBaseUrl?: string;
  timeoutMs?: number;
  logger: LoggerService;
  fetch?: typeof fetch;
}): FirstCommitResolver {
  const base = (options.apiBaseUrl ?? 'https://api.github.com').replace(/\/$/, '');
  const doFetch = options.fetch ?? fetch;
  return async ({ repository, number }) => {
    const [owner, repo] = repository.split('/');
    if (!owner || !repo || !Number.isInteger(number)) {
      return undefined;
    }
    const url = `${base}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/pulls/${number}/commits?per_page=100`;
    try {
      const res = await doFetch(url, {
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${options.token}`,
          'X-GitHub-Api-Version': '2022-11-28',
        },
        signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      });
      if (!res.ok) {
        options.logger.warn('GitHub commits lookup failed', { repository, number, status: res.status });
        return undefined;
      }
      const commits = (await res.json()) as Array<{
        commit?: { author?: { date?: string }; committer?: { date?: string } };
      }>;
      const times = commits
        .map(c => Date.parse(c.commit?.author?.date ?? c.commit?.committer?.date ?? ''))
        .filter(Number.isFinite);
      return times.length ? new Date(Math.min(...times)).toISOString() : undefined;
    } catch (error) {
      options.logger.warn('GitHub commits lookup failed', {
        repository,
        number,
        error: (error as Error).name,
      });
      return undefined;
    }
  };
}

/**
 * The resolver for `github.com` when `integrations.github` has a token for it and
 * `reliability.github.resolveFirstCommit` is not `false`; otherwise `undefined`.
 * @public
 */
export function firstCommitResolverFromConfig(
  config: RootConfigService,
  logger: LoggerService,
): FirstCommitResolver | undefined {
  if (config.getOptionalBoolean('reliability.github.resolveFirstCommit') === false) {
    return undefined;
  }
  const integration = (config.getOptionalConfigArray('integrations.github') ?? []).find(
    c => c.getOptionalString('host') === 'github.com',
  );
  const token = integration?.getOptionalString('token');
  if (!token) {
    return undefined;
  }
  return createGithubFirstCommitResolver({
    token,
    apiBaseUrl: integration?.getOptionalString('apiBaseUrl'),
    logger,
  });
}
