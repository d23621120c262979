import { ConfigReader } from '@backstage/config';
import fs from 'node:fs';
import { kubeConfigFor, readClusterConfig } from './clusters';
import { classifyKubeError, statusCodeToErrorType } from './errors';

describe('readClusterConfig', () => {
  afterEach(() => jest.restoreAllMocks());

  it('should read config-located clusters with the Kubernetes plugin shape', () => {
    const { clusters, problems } = readClusterConfig(
      new ConfigReader({
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: [
                {
                  name: 'prod',
                  url: 'https://10.0.0.1:6443',
                  authProvider: 'serviceAccount',
                  serviceAccountToken: 'tok',
                  caData: 'Q0E=',
                },
                {
                  name: 'dev',
                  url: 'http://127.0.0.1:8001',
                  serviceAccountToken: 'tok2',
                  skipTLSVerify: true,
                },
              ],
            },
          ],
        },
      }),
    );
    expect(problems).toEqual([]);
    expect(clusters).toEqual([
      {
        name: 'prod',
        url: 'https://10.0.0.1:6443',
        authProvider: 'serviceAccount',
        serviceAccountToken: 'tok',
        caData: 'Q0E=',
        caFile: undefined,
        skipTLSVerify: false,
      },
      {
        name: 'dev',
        url: 'http://127.0.0.1:8001',
        authProvider: 'serviceAccount',
        serviceAccountToken: 'tok2',
        caData: undefined,
        caFile: undefined,
        skipTLSVerify: true,
      },
    ]);
    const kc = kubeConfigFor(clusters[1]);
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'http://127.0.0.1:8001',
      skipTLSVerify: true,
    });
    expect(kc.getCurrentUser()?.token).toBe('tok2');
  });

  it('should read no cluster and no problem from the development config (clusters: [])', () => {
    const config = new ConfigReader({
      kubernetes: {
        serviceLocatorMethod: { type: 'multiTenant' },
        clusterLocatorMethods: [{ type: 'config', clusters: [] }],
      },
    });
    expect(readClusterConfig(config)).toEqual({ clusters: [], problems: [] });
    expect(readClusterConfig(new ConfigReader({}))).toEqual({
      clusters: [],
      problems: [],
    });
  });

  it('should report unsupported auth providers, locator types, missing tokens and service locators', () => {
    jest.spyOn(fs, 'existsSync').mockReturnValue(false);
    const { clusters, problems } = readClusterConfig(
      new ConfigReader({
        kubernetes: {
          serviceLocatorMethod: { type: 'singleTenant' },
          clusterLocatorMethods: [
            { type: 'gke', projectId: 'p' },
            {
              type: 'config',
              clusters: [
                { name: 'oidc', url: 'https://a', authProvider: 'oidc' },
                {
                  name: 'no-token',
                  url: 'https://b',
                  authProvider: 'serviceAccount',
                },
              ],
            },
          ],
        },
      }),
    );
    expect(clusters).toEqual([]);
    expect(problems.map(p => [p.cluster, p.errorType, p.message])).toEqual([
      [
        undefined,
        'CONFIG_ERROR',
        expect.stringContaining("serviceLocatorMethod.type 'singleTenant'"),
      ],
      [
        undefined,
        'CONFIG_ERROR',
        expect.stringContaining("type 'gke' is not supported"),
      ],
      ['oidc', 'CONFIG_ERROR', expect.stringContaining("authProvider 'oidc'")],
      [
        'no-token',
        'CONFIG_ERROR',
        expect.stringContaining('no serviceAccountToken'),
      ],
    ]);
  });
});

describe('classifyKubeError', () => {
  it('should map status codes and network failures to error types without leaking headers', () => {
    expect(
      [400, 401, 403, 404, 410, 500, 503, 504, 418].map(statusCodeToErrorType),
    ).toEqual([
      'BAD_REQUEST',
      'UNAUTHORIZED_ERROR',
      'FORBIDDEN',
      'NOT_FOUND',
      'GONE',
      'SYSTEM_ERROR',
      'SYSTEM_ERROR',
      'TIMEOUT',
      'UNKNOWN_ERROR',
    ]);
    const apiException = Object.assign(
      new Error(
        'HTTP-Code: 403\nMessage: x\nBody: {}\nHeaders: {"authorization":"Bearer secret"}',
      ),
      {
        code: 403,
        body: JSON.stringify({
          kind: 'Status',
          message: 'pods is forbidden: nope',
          code: 403,
        }),
      },
    );
    expect(classifyKubeError(apiException)).toEqual({
      errorType: 'FORBIDDEN',
      statusCode: 403,
      message: 'pods is forbidden: nope',
    });
    expect(
      classifyKubeError(
        Object.assign(new Error('HTTP-Code: 401\nHeaders: secret'), {
          code: 401,
          body: undefined,
        }),
      ).message,
    ).toBe('HTTP 401');
    expect(
      classifyKubeError(
        Object.assign(new TypeError('fetch failed'), {
          cause: {
            code: 'ECONNREFUSED',
            message: 'connect ECONNREFUSED 127.0.0.1:1',
          },
        }),
      ),
    ).toMatchObject({ errorType: 'UNREACHABLE' });
    expect(
      classifyKubeError(
        Object.assign(new Error('x'), {
          cause: { code: 'UND_ERR_CONNECT_TIMEOUT' },
        }),
      ).errorType,
    ).toBe('TIMEOUT');
    expect(classifyKubeError(new Error('weird\nsecond line'))).toEqual({
      errorType: 'UNKNOWN_ERROR',
      message: 'weird',
    });
  });
});
