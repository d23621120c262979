import { mockServices } from '@backstage/backend-test-utils';
import { createGithubFirstCommitResolver, firstCommitResolverFromConfig } from './githubFirstCommit';
import { normalizeGithubEvent } from './normalizeGithubEvent';
import examples from '@octokit/webhooks-examples';

type Example = { name: string; examples: Array<Record<string, any>> };
const closed = (examples as unknown as Example[])
  .find(d => d.name === 'pull_request')!
  .examples.find(e => e.action === 'closed')!;

describe('createGithubFirstCommitResolver', () => {
  const logger = mockServices.logger.mock();

  it('should take the earliest commit date of the pull request and use it as first commit time', async () => {
    const fetchMock = jest.fn(async () =>
      new Response(
        JSON.stringify([
          { commit: { author: { date: '2019-05-15T10:00:00Z' } } },
          { commit: { author: { date: '2019-05-14T08:30:00Z' } } },
        ]),
        { status: 200 },
      ),
    );
    const resolve = createGithubFirstCommitResolver({ token: 'ghp_secret', logger, fetch: fetchMock as any });
    const event = await normalizeGithubEvent({
      eventName: 'pull_request',
      deliveryId: 'd1',
      payload: { ...closed, pull_request: { ...closed.pull_request, merged: true, merged_at: '2019-05-16T00:00:00Z' } },
      resolveFirstCommit: resolve,
    });
    expect(event).toMatchObject({ firstCommitAt: '2019-05-14T08:30:00.000Z', firstCommitSource: 'commits-api' });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(
      `https://api.github.com/repos/Codertocat/Hello-World/pulls/${closed.pull_request.number}/commits?per_page=100`,
    );
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer ghp_secret');
  });

  it('should fall back to the pull request creation time when GitHub fails, without logging the token', async () => {
    const resolve = createGithubFirstCommitResolver({
      token: 'ghp_secret',
      logger,
      fetch: (async () => new Response('{"message":"Not Found"}', { status: 404 })) as any,
    });
    const event = await normalizeGithubEvent({
      eventName: 'pull_request',
      deliveryId: 'd2',
      payload: { ...closed, pull_request: { ...closed.pull_request, merged: true, merged_at: '2019-05-16T00:00:00Z' } },
      resolveFirstCommit: resolve,
    });
    expect(event).toMatchObject({ firstCommitSource: 'pr-created-at', firstCommitAt: new Date(closed.pull_request.created_at).toISOString() });
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('ghp_secret');
    const thrown = createGithubFirstCommitResolver({ token: 'ghp_secret', logger, fetch: (async () => { throw new Error('ghp_secret leaked?'); }) as any });
    await expect(thrown({ repository: 'a/b', number: 1 })).resolves.toBeUndefined();
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('ghp_secret');
  });

  it('should only build a resolver from config when github.com has a token', () => {
    const logger2 = mockServices.logger.mock();
    expect(firstCommitResolverFromConfig(mockServices.rootConfig({ data: {} }), logger2)).toBeUndefined();
    expect(
      firstCommitResolverFromConfig(
        mockServices.rootConfig({ data: { integrations: { github: [{ host: 'github.com', token: 't' }] } } }),
        logger2,
      ),
    ).toBeInstanceOf(Function);
    expect(
      firstCommitResolverFromConfig(
        mockServices.rootConfig({
          data: { integrations: { github: [{ host: 'github.com', token: 't' }] }, reliability: { github: { resolveFirstCommit: false } } },
        }),
        logger2,
      ),
    ).toBeUndefined();
  });
});
