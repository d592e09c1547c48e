/**
 * A small closed-loop load generator: `concurrency` workers send signed slash-command requests until
 * `total` have completed, each timed from send to response. Runs in the benchmark's process, on
 * loopback only.
 */
import { createHmac } from "node:crypto";
import { Agent, request } from "undici";

export interface LoadResult {
  label: string;
  total: number;
  ok: number;
  failed: number;
  seconds: number;
  throughput: number;
  p50: number;
  p99: number;
  max: number;
}

/** A connection pool for runLoad, to share between a warm-up and the measured run. */
export function loadAgent(concurrency: number): Agent {
  return new Agent({ connections: concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
}

export function signedCommandBody(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

export function sign(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)) {
  const sig = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
  return { "x-slack-signature": `v0=${sig}`, "x-slack-request-timestamp": String(timestamp) };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export async function runLoad(opts: {
  label: string;
  url: string;
  secret: string;
  total: number;
  concurrency: number;
  /** body for request i */
  body: (i: number) => string;
  /** check the response to request i; a false answer counts as a failure */
  check?: (status: number, text: string, i: number) => boolean;
  /**
   * the connection pool to send through (kept open afterwards): pass the warm-up's to the measured run,
   * so that the run does not open its connections (all at once, while the server is busy) inside the
   * measured window; by default a pool of its own, closed at the end
   */
  agent?: Agent;
}): Promise<LoadResult> {
  const agent =
    opts.agent ?? new Agent({ connections: opts.concurrency, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  async function worker() {
    for (;;) {
      const i = next++;
      if (i >= opts.total) return;
      const body = opts.body(i);
      const started = performance.now();
      try {
        const res = await request(opts.url, {
          method: "POST",
          dispatcher: agent,
          headers: { "content-type": "application/x-www-form-urlencoded", ...sign(opts.secret, body) },
          body,
        });
        const text = await res.body.text();
        if (res.statusCode !== 200 || (opts.check && !opts.check(res.statusCode, text, i))) failed++;
      } catch {
        failed++;
      }
      latencies.push(performance.now() - started);
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  if (!opts.agent) await agent.close();
  latencies.sort((a, b) => a - b);
  return {
    label: opts.label,
    total: opts.total,
    ok: opts.total - failed,
    failed,
    seconds,
    throughput: opts.total / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
  };
}

export function formatRow(r: LoadResult, baseline?: LoadResult): string {
  const ratio = baseline ? `${(r.throughput / baseline.throughput).toFixed(2)}×` : "—";
  return [
    r.label.padEnd(28),
    `${r.throughput.toFixed(0).padStart(6)} req/s`,
    `p50 ${r.p50.toFixed(1).padStart(6)} ms`,
    `p99 ${r.p99.toFixed(1).padStart(6)} ms`,
    `failed ${String(r.failed).padStart(4)}`,
    `ratio ${ratio}`,
  ].join("  ");
}
