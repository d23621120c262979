/** Upper bounds (seconds) of the request duration histogram, Prometheus' default buckets. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Histogram {
  counts: number[];
  sum: number;
  count: number;
}

/**
 * Request counters and latency histograms in the Prometheus text format. The canary analysis
 * reads `http_requests_total` (success rate) and `http_request_duration_seconds` (p99).
 */
export class Metrics {
  readonly #requests = new Map<string, number>();
  readonly #durations = new Map<string, Histogram>();

  observe(method: string, route: string, code: number, seconds: number): void {
    const key = `method="${method}",route="${route}",code="${code}"`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
    const hKey = `method="${method}",route="${route}"`;
    let h = this.#durations.get(hKey);
    if (!h) {
      h = { counts: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.#durations.set(hKey, h);
    }
    DURATION_BUCKETS.forEach((le, i) => {
      if (seconds <= le) h!.counts[i] += 1;
    });
    h.sum += seconds;
    h.count += 1;
  }

  render(): string {
    const lines = [
      '# HELP http_requests_total HTTP requests by method, route and status code.',
      '# TYPE http_requests_total counter',
    ];
    for (const [labels, value] of this.#requests) {
      lines.push(`http_requests_total{${labels}} ${value}`);
    }
    lines.push(
      '# HELP http_request_duration_seconds HTTP request duration in seconds.',
      '# TYPE http_request_duration_seconds histogram',
    );
    for (const [labels, h] of this.#durations) {
      DURATION_BUCKETS.forEach((le, i) => {
        lines.push(`http_request_duration_seconds_bucket{${labels},le="${le}"} ${h.counts[i]}`);
      });
      lines.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${h.count}`);
      lines.push(`http_request_duration_seconds_sum{${labels}} ${h.sum}`);
      lines.push(`http_request_duration_seconds_count{${labels}} ${h.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
