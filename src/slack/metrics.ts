/**
 * Prometheus metrics (prom-client), one registry per app (tests run several apps in one process):
 * - kpi_requests_total{kind,outcome}: every Slack request (command, action, view, options, event,
 *   shortcut), and the HTTP refusals that never reach Bolt (kind "http": refused, replayed, too_large,
 *   malformed);
 * - kpi_request_duration_seconds{kind}: handler time, a histogram;
 * - kpi_jobs_total{job,result}: scheduled job deliveries, result sent / skipped / failed;
 * - kpi_slack_rate_limited_total{method}: HTTP 429 answers seen from Slack's Web API;
 * - kpi_inflight_requests: requests being handled now;
 * - the process metrics of prom-client (CPU, memory, event loop lag), prefixed kpi_.
 * Served as text at GET /metrics (HTTP mode; the side port in Socket Mode).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export type RequestOutcome =
  | "ok"
  | "user_error"
  | "unavailable"
  | "error"
  | "duplicate"
  | "refused"
  | "replayed"
  | "too_large"
  | "malformed";

export interface Metrics {
  registry: Registry;
  requests: Counter<"kind" | "outcome">;
  duration: Histogram<"kind">;
  jobs: Counter<"job" | "result">;
  rateLimited: Counter<"method">;
  inflight: Gauge;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "kpi_" });
  return {
    registry,
    requests: new Counter({
      name: "kpi_requests_total",
      help: "Slack requests by kind (command, action, view, options, event, shortcut, http) and outcome",
      labelNames: ["kind", "outcome"],
      registers: [registry],
    }),
    duration: new Histogram({
      name: "kpi_request_duration_seconds",
      help: "Time to handle a Slack request (the handler, ack included), by kind",
      labelNames: ["kind"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    jobs: new Counter({
      name: "kpi_jobs_total",
      help: "Scheduled job deliveries (reminders, posts) by job and result (sent, skipped, failed)",
      labelNames: ["job", "result"],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: "kpi_slack_rate_limited_total",
      help: "HTTP 429 (rate limited) answers from Slack's Web API, by method",
      labelNames: ["method"],
      registers: [registry],
    }),
    inflight: new Gauge({
      name: "kpi_inflight_requests",
      help: "Slack requests being handled now",
      registers: [registry],
    }),
  };
}
