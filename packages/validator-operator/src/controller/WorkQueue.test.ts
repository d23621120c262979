import { WorkQueue } from './WorkQueue';

describe('WorkQueue', () => {
  it('should retry a failing key with per-item exponential backoff and reset it on success', async () => {
    const calls: Array<{ key: string; at: number }> = [];
    let failuresLeft = 3;
    const start = Date.now();
    const q = WorkQueue.create(
      async key => {
        calls.push({ key, at: Date.now() - start });
        if (key === 'bad' && failuresLeft-- > 0) throw new Error('boom');
      },
      { baseDelayMs: 40, maxDelayMs: 1000 },
    );
    q.start();
    q.add('bad');
    q.add('good');
    expect(q.backoffFor('bad')).toBe(40);
    await new Promise(r => setTimeout(r, 600));
    const bad = calls.filter(c => c.key === 'bad').map(c => c.at);
    expect(bad).toHaveLength(4);
    const gaps = bad.slice(1).map((t, i) => t - bad[i]);
    expect(gaps[0]).toBeGreaterThanOrEqual(35);
    expect(gaps[1]).toBeGreaterThanOrEqual(75);
    expect(gaps[2]).toBeGreaterThanOrEqual(155);
    expect(calls.filter(c => c.key === 'good')).toHaveLength(1);
    expect(q.failures('bad')).toBe(0);
    q.stop();
  });

  it('should hold a key once however often it is added and never run it twice at once', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>(r => (release = r));
    const q = WorkQueue.create(async () => {
      running++;
      runs++;
      maxRunning = Math.max(maxRunning, running);
      await gate;
      running--;
    });
    q.start();
    q.add('k');
    await new Promise(r => setImmediate(r));
    q.add('k');
    q.add('k');
    expect(q.length).toBe(0);
    release();
    await new Promise(r => setTimeout(r, 20));
    await q.idle();
    expect(maxRunning).toBe(1);
    expect(runs).toBe(2);
    q.stop();
  });

  it('should hold retries of many failing keys to the overall token bucket', async () => {
    const calls = new Map<string, number>();
    const q = WorkQueue.create(
      async key => {
        calls.set(key, (calls.get(key) ?? 0) + 1);
        throw new Error('API down');
      },
      { baseDelayMs: 1, maxDelayMs: 1, retryQps: 20, retryBurst: 5, concurrency: 50 },
    );
    q.start();
    for (let i = 0; i < 50; i++) q.add(`k${i}`);
    await new Promise(r => setTimeout(r, 500));
    q.stop();
    const total = [...calls.values()].reduce((a, b) => a + b, 0);
    // 50 first attempts, then at most burst 5 + 20/s × 0.5 s = 15 retries (a little slack for timers).
    expect(total).toBeGreaterThanOrEqual(55);
    expect(total).toBeLessThanOrEqual(50 + 17);
  });
});
