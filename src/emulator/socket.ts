/**
 * Socket Mode server side: the WebSocket endpoint handed out by `apps.connections.open`.
 *
 * Protocol (as implemented by `@slack/socket-mode`): the server sends `{type:"hello"}` on connect,
 * then envelopes `{envelope_id, type, payload, accepts_response_payload, retry_attempt?, retry_reason?}`;
 * the app acknowledges with `{envelope_id, payload?}`. `{type:"disconnect"}` asks the client to reconnect.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import type { JsonObject } from "./types.js";
import { type IdFactory, isRecord } from "./util.js";

/** Envelope types Slack sends over Socket Mode. */
export type EnvelopeType = "slash_commands" | "interactive" | "events_api";

/** What the app answered to one envelope. */
export interface EnvelopeAck {
  acked: boolean;
  /** `payload` of the ack message (undefined when the ack had none). */
  payload?: JsonObject;
  /** Real milliseconds from send to ack. */
  ms?: number;
  error?: string;
}

interface Pending {
  startedAt: number;
  resolve: (ack: EnvelopeAck) => void;
  timer: NodeJS.Timeout;
}

export interface SocketHubOptions {
  ids: IdFactory;
  appId: string;
  maxConnections: number;
  /** Called when the app acks an envelope twice (a Bolt listener calling `ack()` more than once). */
  onDuplicateAck: (envelopeId: string) => void;
}

/** Accepts Socket Mode connections and exchanges envelopes with them. */
export class SocketHub {
  private readonly wss = new WebSocketServer({ noServer: true, clientTracking: true });
  private readonly connections: WebSocket[] = [];
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private readonly finished = new Set<string>();
  private nextConnection = 0;

  constructor(private readonly options: SocketHubOptions) {}

  /** Issues a single-use ticket for the URL returned by `apps.connections.open`. */
  issueTicket(): string {
    const ticket = this.options.ids.token(32);
    this.tickets.add(ticket);
    return ticket;
  }

  /** Open connections. */
  get connectionCount(): number {
    return this.connections.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  }

  /** Handles an HTTP upgrade for `/socket`; refuses unknown or reused tickets. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    const ticket = url.searchParams.get("ticket") ?? "";
    const refuse = (status: string): void => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!this.tickets.delete(ticket)) {
      refuse("401 Unauthorized");
      return;
    }
    if (this.connectionCount >= this.options.maxConnections) {
      refuse("429 Too Many Requests");
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    this.connections.push(ws);
    ws.on("message", (data: RawData) => this.onMessage(data));
    ws.on("close", () => {
      const index = this.connections.indexOf(ws);
      if (index >= 0) this.connections.splice(index, 1);
    });
    ws.on("error", () => ws.terminate());
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.connectionCount,
        debug_info: { host: "applink-emulator", build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: this.options.appId },
      }),
    );
  }

  private onMessage(data: RawData): void {
    let message: unknown;
    try {
      message = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (!isRecord(message) || typeof message.envelope_id !== "string") return;
    const id = message.envelope_id;
    const entry = this.pending.get(id);
    if (!entry) {
      if (this.finished.has(id)) this.options.onDuplicateAck(id);
      return;
    }
    this.pending.delete(id);
    this.finished.add(id);
    clearTimeout(entry.timer);
    const payload = isRecord(message.payload) ? message.payload : undefined;
    entry.resolve({ acked: true, payload, ms: performance.now() - entry.startedAt });
  }

  /**
   * Sends an envelope to one open connection (round robin, like Slack) and waits up to `waitMs` for
   * the ack.
   */
  send(
    envelope: {
      type: EnvelopeType;
      payload: JsonObject;
      accepts_response_payload: boolean;
      retry_attempt?: number;
      retry_reason?: string;
    },
    waitMs: number,
  ): { envelopeId: string; ack: Promise<EnvelopeAck> } {
    const envelopeId = this.options.ids.uuid();
    const open = this.connections.filter((ws) => ws.readyState === WebSocket.OPEN);
    if (open.length === 0) {
      return {
        envelopeId,
        ack: Promise.resolve({ acked: false, error: "no Socket Mode connection is open" }),
      };
    }
    const ws = open[this.nextConnection++ % open.length]!;
    const ack = new Promise<EnvelopeAck>((resolve) => {
      const startedAt = performance.now();
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        this.finished.add(envelopeId);
        resolve({ acked: false, error: `no ack within ${waitMs}ms` });
      }, waitMs);
      this.pending.set(envelopeId, { startedAt, resolve, timer });
    });
    ws.send(JSON.stringify({ envelope_id: envelopeId, ...envelope }));
    return { envelopeId, ack };
  }

  /** Asks every client to reconnect (`{type:"disconnect", reason}`), as Slack does before recycling. */
  requestReconnect(reason = "refresh_requested"): void {
    for (const ws of this.connections) {
      if (ws.readyState === WebSocket.OPEN) {
        ws.send(JSON.stringify({ type: "disconnect", reason, debug_info: { host: "applink-emulator" } }));
      }
    }
  }

  /**
   * Closes every connection with a proper close handshake (waiting up to `graceMs`; clients that
   * never answer are terminated), resolves pending acks as unacknowledged and closes the server.
   * A clean handshake matters: `@slack/socket-mode` otherwise keeps a 30 s close timer alive.
   */
  async close(graceMs = 1000): Promise<void> {
    for (const [id, entry] of this.pending) {
      clearTimeout(entry.timer);
      entry.resolve({ acked: false, error: "emulator stopped" });
      this.pending.delete(id);
    }
    const live = this.connections.filter((ws) => ws.readyState !== WebSocket.CLOSED);
    if (live.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const closed = Promise.all(
        live.map(
          (ws) =>
            new Promise<void>((resolve) => {
              ws.once("close", () => resolve());
              if (ws.readyState === WebSocket.OPEN) ws.close(1001, "emulator stopping");
            }),
        ),
      );
      await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
    }
    for (const ws of [...this.connections]) ws.terminate();
    this.connections.length = 0;
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
