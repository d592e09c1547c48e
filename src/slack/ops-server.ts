/**
 * Socket Mode has no HTTP server: with HEALTH_PORT set, this small server answers GET /healthz,
 * /readyz and /metrics for the process manager and Prometheus (HTTP mode answers them on PORT).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { SlackApp } from "./app.js";

export async function startOpsServer(
  slack: SlackApp,
  port: number,
  host = "127.0.0.1",
): Promise<{ port: number; close(): void }> {
  let stopping = false;
  const server = createServer((req, res) => {
    const send = (status: number, body: string, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type });
      res.end(body);
    };
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") return send(405, "GET only");
    if (path === "/healthz") return send(200, "ok");
    if (path === "/readyz") {
      if (stopping) return send(503, "shutting down");
      slack.ready().then(
        (r) => send(r.ok ? 200 : 503, r.ok ? "ready" : `not ready: ${r.problems.join("; ")}`),
        () => send(503, "not ready"),
      );
      return;
    }
    if (path === "/metrics") {
      slack.metrics.registry.metrics().then(
        (text) => send(200, text, slack.metrics.registry.contentType),
        () => send(500, "metrics unavailable"),
      );
      return;
    }
    send(404, "not found");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      stopping = true;
      server.close();
      server.closeAllConnections();
    },
  };
}
