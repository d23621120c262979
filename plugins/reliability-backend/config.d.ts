export interface Config {
  reliability?: {
    /**
     * The ClickHouse store. Without `url` the embedded engine (chdb) is used.
     */
    clickhouse?: {
      /**
       * HTTP(S) URL of a ClickHouse server or cluster load balancer,
       * e.g. `https://clickhouse.internal:8443`. When absent, the embedded engine runs in-process.
       */
      url?: string;
      /** User for `url`. */
      username?: string;
      /**
       * Password for `url`.
       * @visibility secret
       */
      password?: string;
      /** Database of the plugin's tables, a plain identifier. Default `reliability`. */
      database?: string;
      /**
       * Cluster name: DDL runs `ON CLUSTER <cluster>` and tables use `Replicated…` engines.
       */
      cluster?: string;
      /** Request timeout for `url`, in milliseconds. Default 30000. */
      requestTimeoutMs?: number;
      /** The embedded engine (used when `url` is not set). */
      embedded?: {
        /**
         * Data directory, relative to the backend's working directory
         * (`packages/backend` under `yarn start`). Default `.data/clickhouse`.
         */
        path?: string;
        /**
         * Most connections (1–16) the store opens on the data directory for inserts, besides the one
         * for reads: the engine runs one statement per connection at a time, so concurrent telemetry
         * chunks and webhook group commits would otherwise wait for each other, and reads for both.
         * Default 2.
         */
        insertConnections?: number;
      };
    };
    /** `POST /api/reliability/telemetry`. */
    telemetry?: {
      /** Largest accepted request body, in bytes. Default 10485760 (10 MiB). */
      maxBodyBytes?: number;
      /** Largest accepted batch, in rows. Default 100000. */
      maxBatchRows?: number;
    };
    /** GitHub webhooks (DORA); see docs/dora-metrics.md. */
    github?: {
      /**
       * Secrets that sign deliveries to `POST /api/reliability/webhooks/github` (`X-Hub-Signature-256`).
       * Several are allowed so a secret can be rotated without dropping deliveries.
       * @visibility secret
       */
      webhookSecrets?: string[];
      /**
       * Look up the first commit of a merged pull request through the GitHub API (needs a github.com
       * token in `integrations.github`); otherwise the PR's creation time is used. Default true.
       */
      resolveFirstCommit?: boolean;
      /**
       * Worker threads that verify, parse and normalise webhook deliveries. Default 0: on the main
       * thread. Pays off only where a core is free (e.g. ClickHouse on its own server); needs the
       * plugin's compiled module files, so leave it at 0 for a backend bundled into one file.
       */
      webhookPayloadWorkers?: number;
      /**
       * Embedded engine only: `fdatasync` the delivery journal
       * (`<clickhouse.embedded.path>/goldenpath-delivery-journal`) before acknowledging a
       * delivery. Default true: a 2xx survives a power loss. false: it survives a process kill
       * only, for about 60 µs less CPU and 0.1–0.5 ms less latency per group commit.
       */
      webhookJournalSync?: boolean;
    };
    /** DORA metrics; see docs/dora-metrics.md. */
    dora?: {
      /** DORA report year whose performance bands are shown: 2021, 2022, 2023 or 2024. Default 2024. */
      bandYear?: number;
      /** An incident opened within this many hours of a deployment counts against it. Default 72. */
      incidentAttributionHours?: number;
    };
    /** Live node health from Kubernetes; see docs/node-health.md. All durations in milliseconds. */
    health?: {
      /** How long the first request waits for an informer's initial list. */
      initialSyncTimeoutMs?: number;
      /** Debounce of the per-entity `reliability:health:<entity ref>` signal. */
      signalDebounceMs?: number;
      /** Restarts informers that fell silent or got 410 Gone. */
      watchdog?: {
        /** How often the watchdog checks the informers. */
        intervalMs?: number;
        /** Silence after which an informer is restarted. */
        silenceTimeoutMs?: number;
      };
    };
    /** Detectors and the composite validator risk; see docs/risk-scores.md. */
    risk?: {
      /**
       * Weight of each detector in the composite (noisy-OR), each in [0, 1]:
       * the composite a single detector at score 1 produces on its own, divided by 100.
       */
      weights?: {
        consensus?: number;
        hardware?: number;
        storage?: number;
        p2p?: number;
      };
      /**
       * Bands of the composite (0–100). Must be contiguous and cover [0, 100];
       * checked at start-up. Default ok [0, 40), warning [40, 70), critical [70, 100].
       */
      bands?: Array<{
        /** One of `ok`, `warning`, `critical`. */
        name: string;
        /** Inclusive lower bound. */
        min: number;
        /** Exclusive upper bound (inclusive for the last band). */
        max: number;
      }>;
      /**
       * Period of the scheduled fleet-wide refresh of the stored risk scores, in seconds (≥ 10).
       * Default 300 (one bucket). The entity route also refreshes its own component when its telemetry is ahead.
       */
      refreshIntervalSeconds?: number;
      /** Univariate core score above which a metric counts as anomalous, in (0, 1). Default 0.99. */
      anomalyThreshold?: number;
      /** Largest detector score an anomaly alone can produce, in [0, 1]. Default 0.6. */
      anomalyWeight?: number;
      /** Absolute thresholds of the detectors. */
      thresholds?: {
        /** Block lag at which consensus desync scores 1, in blocks (the ValidatorNode `syncPolicy.maxBlockLag` default). Default 10. */
        maxBlockLag?: number;
        /** Peer count under which P2P isolation starts to score, in peers. Default 8. */
        minPeers?: number;
        /** GPU temperature where the hardware score starts to rise, in °C. Default 80. */
        gpuTempWarnC?: number;
        /** GPU temperature where the hardware score reaches 1, in °C. Default 90. */
        gpuTempCriticalC?: number;
        /** CPU/GPU/memory utilisation where saturation starts to score, in %. Default 90. */
        saturationPct?: number;
        /** Disk write latency where storage starts to score, in ms. Default 20. */
        diskLatencyWarnMs?: number;
        /** Disk write latency where storage scores 1, in ms. Default 100. */
        diskLatencyCriticalMs?: number;
        /** Disk utilisation where storage saturation starts to score, in %. Default 90. */
        diskUtilSaturationPct?: number;
      };
    };
  };
}
