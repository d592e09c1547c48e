/**
 * FakeSlack: a local stand-in for slack.com that drives a real Bolt app.
 *
 * - Web API at `apiUrl` (pass as `clientOptions.slackApiUrl`), with Socket Mode behind
 *   `apps.connections.open`.
 * - Delivery of slash commands, block actions, options requests, view submissions/closures,
 *   shortcuts and Events API events, either as signed HTTP requests or Socket Mode envelopes.
 * - Enforcement and recording of Slack's rules (ack deadline, trigger_id expiry, Block Kit limits,
 *   modal stack, response_url quota, rate limits) plus inspection helpers for assertions.
 *
 * See `src/emulator/README.md` for a tour.
 */
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  actionFor,
  type ElementInput,
  type ElementMatch,
  findElement,
  formatIssue,
  listElements,
  stateValueFor,
  validateView,
} from "./blocks.js";
import {
  getStatus,
  type PostResult,
  parseApiArguments,
  parseMultipart,
  postRaw,
  readBody,
  sendJson,
  sendText,
} from "./http.js";
import { RateLimiter } from "./rate-limits.js";
import { signRequest } from "./signing.js";
import { type EnvelopeType, SocketHub } from "./socket.js";
import type {
  Activity,
  ApiCall,
  Delivery,
  DeliveryKind,
  DeliveryResult,
  FakeChannel,
  FakeSlackEvents,
  FakeSlackOptions,
  FakeTeam,
  FakeUser,
  JsonObject,
  OptionsResult,
  RateLimitOptions,
  ResponseUrlPost,
  StoredEphemeral,
  StoredFile,
  StoredMessage,
  StoredView,
  SubmissionResult,
  Transport,
  Violation,
} from "./types.js";
import { clone, IdFactory, isRecord, str, TsFactory, truncate } from "./util.js";
import { type ApiContext, createMethods, type MethodHandler } from "./web-api.js";
import { fail, MODAL_STACK_LIMIT, type ResponseUrlRecord, Workspace } from "./workspace.js";

/** The legacy verification token Slack still puts in payloads. */
export const VERIFICATION_TOKEN = "emulator-verification-token";

/** Overrides for the signature of one HTTP delivery (to test refusal paths). */
export interface SigningOverride {
  /** Sign with this secret instead of the configured one. */
  secret?: string;
  /** Unix seconds to sign and send as `x-slack-request-timestamp`. */
  timestamp?: number;
}

/** Options shared by every delivery helper. */
export interface DeliveryOptions {
  /** Transport; defaults to `defaultTransport`, else socket when connected, else HTTP. */
  via?: Transport;
  /** HTTP only: tamper with the signature. */
  signing?: SigningOverride;
}

/** Where an interaction happens. Omit both to search the user's modal, home tab and messages. */
export interface InteractionTarget {
  /** The message carrying the element (`channel` may be a user id for DMs). */
  message?: { channel: string; ts: string };
  /** The view carrying the element. */
  viewId?: string;
  /** Alias of `viewId` (`{ id }` as found in `slack.views`). */
  view?: { id: string };
  /** Narrows the search to one block. */
  blockId?: string;
}

export interface SlashCommandOptions extends DeliveryOptions {
  user: string;
  command: string;
  text?: string;
  /** Channel the command is typed in (default `C0GENERAL`; a user id means their DM with the app). */
  channel?: string;
}

export interface InteractOptions extends DeliveryOptions, InteractionTarget {
  user: string;
  actionId: string;
  /** User input: button value override, option value(s), date, user id, text ... */
  value?: ElementInput;
}

export interface OptionsRequestOptions extends DeliveryOptions, InteractionTarget {
  user: string;
  actionId: string;
  /** What the user typed. */
  value?: string;
}

export interface SubmitViewOptions extends DeliveryOptions {
  /** Defaults to the view's owner. */
  user?: string;
  /** Defaults to the top of the user's modal stack. */
  viewId?: string;
  /**
   * `{ blockId: { actionId: input } }`, or `{ blockId: input }` for blocks holding one element.
   * Inputs are strings (text, option values, dates, ids), string arrays or `{ value, text }` options.
   */
  values?: Record<string, unknown>;
}

export interface CloseViewOptions extends DeliveryOptions {
  user?: string;
  viewId?: string;
}

export interface SendEventOptions extends DeliveryOptions {
  eventId?: string;
  /** Marks a redelivery: `x-slack-retry-num` header / `retry_attempt` envelope field. */
  retryNum?: number;
  retryReason?: string;
}

export interface UserMessageOptions extends DeliveryOptions {
  user: string;
  text: string;
  /** Default: the user's DM with the app. */
  channel?: string;
  threadTs?: string;
}

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Shown in the timeout error. */
  description?: string;
}

/** Replaces a Web API method (or adds one the emulator lacks). Return Slack's JSON body. */
export type MethodStub = (args: JsonObject, slack: FakeSlack) => JsonObject | Promise<JsonObject>;

type Located =
  | { kind: "message"; message: StoredMessage; match: ElementMatch }
  | { kind: "ephemeral"; ephemeral: StoredEphemeral; match: ElementMatch }
  | { kind: "view"; view: StoredView; match: ElementMatch };

interface DeliverRequest {
  kind: DeliveryKind;
  via: Transport;
  payload: JsonObject;
  envelopeType: EnvelopeType;
  acceptsResponsePayload: boolean;
  /** Body for HTTP mode. */
  http: { contentType: string; body: string; headers?: Record<string, string> };
  signing?: SigningOverride;
  user?: string;
  responseUrl?: string;
  triggerId?: string;
  eventId?: string;
  retryNum?: number;
  retryReason?: string;
}

/** A fake Slack workspace + API server. Create with {@link FakeSlack.start}. */
export class FakeSlack extends EventEmitter<FakeSlackEvents> {
  readonly signingSecret: string;
  readonly botToken: string;
  readonly appToken: string;
  readonly team: FakeTeam;
  readonly appId: string;
  readonly botUserId: string;
  readonly botId: string;
  /** Deadline for acks (ms of real time). */
  ackTimeoutMs: number;
  /** How long deliveries wait for a late ack. */
  ackWaitMs: number;
  /** Default timeout of {@link waitFor}. */
  waitForTimeoutMs: number;
  /** HTTP-mode target (Bolt's receiver endpoint). */
  requestUrl: string | undefined;
  defaultTransport: Transport | undefined;

  /** The underlying workspace state (for the playground and advanced assertions). */
  readonly state: Workspace;
  /** Every Web API call, oldest first. */
  readonly calls: ApiCall[] = [];
  /** Every delivery to the app, oldest first. */
  readonly deliveries: Delivery[] = [];

  private readonly server: Server;
  private readonly hub: SocketHub;
  private readonly limiter: RateLimiter;
  private readonly ids: IdFactory;
  private readonly methods: Record<string, MethodHandler>;
  private readonly stubs = new Map<string, MethodStub>();
  private readonly fallbackHandler: FakeSlackOptions["fallbackHandler"];
  private readonly host: string;
  private listenPort = 0;
  private stopped = false;
  private deliveryCounter = 0;
  private requestUrls: string[] = [];
  private nextTarget = 0;
  private readonly readinessIntervalMs: number;
  /** several targets: whether each one's last /readyz answer was 200 (not yet polled: taken as ready) */
  private readonly readiness = new Map<string, boolean>();
  private readinessTimer: ReturnType<typeof setInterval> | undefined;

  private constructor(options: FakeSlackOptions) {
    super();
    this.signingSecret = options.signingSecret;
    this.botToken = options.botToken ?? "xoxb-test";
    this.appToken = options.appToken ?? "xapp-test";
    this.team = { id: "T0EMULATOR", name: "Emulated Workspace", domain: "emulated", ...options.team };
    this.appId = options.appId ?? "A0EMULATOR";
    this.botUserId = options.botUserId ?? "U0EMULBOT";
    this.botId = options.botId ?? "B0EMULBOT";
    this.ackTimeoutMs = options.ackTimeoutMs ?? 3000;
    this.ackWaitMs = options.ackWaitMs ?? this.ackTimeoutMs + 2000;
    this.waitForTimeoutMs = options.waitForTimeoutMs ?? 2000;
    this.requestUrl = options.requestUrl;
    this.readinessIntervalMs = options.readinessIntervalMs ?? 200;
    this.defaultTransport = options.defaultTransport;
    this.fallbackHandler = options.fallbackHandler;
    this.host = options.host ?? "127.0.0.1";
    this.listenPort = options.port ?? 0;
    const clock = options.clock ?? Date.now;
    this.ids = new IdFactory(options.seed ?? 1);
    this.state = new Workspace(
      {
        team: this.team,
        appId: this.appId,
        botUserId: this.botUserId,
        botId: this.botId,
        botName: options.botName ?? "kpi-bot",
      },
      {
        triggerTtlMs: options.triggerTtlMs ?? 3000,
        responseUrlMaxPosts: options.responseUrlMaxPosts ?? 5,
        responseUrlTtlMs: options.responseUrlTtlMs ?? 30 * 60_000,
        strictChannels: options.strictChannels ?? false,
      },
      clock,
      this.ids,
      new TsFactory(clock),
      this,
      () => this.baseUrl,
    );
    for (const user of options.users ?? []) this.state.addUser(user);
    for (const channel of options.channels ?? []) this.state.addChannel(channel);
    this.limiter = new RateLimiter(clock, () => this.ids.random(), options.rateLimits);
    this.methods = createMethods();
    this.hub = new SocketHub({
      ids: this.ids,
      appId: this.appId,
      maxConnections: options.maxSocketConnections ?? 10,
      onDuplicateAck: (envelopeId) =>
        this.state.violate("duplicate_ack", `envelope ${envelopeId} was acknowledged more than once`, {
          envelopeId,
        }),
    });
    this.server = createServer((req, res) => {
      this.onRequest(req, res).catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { ok: false, error: "internal_error", detail: String(error) });
      });
    });
    this.server.on("upgrade", (req, socket, head) => {
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (path === "/socket") this.hub.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
  }

  /** Starts the emulator's HTTP/WebSocket server. */
  static async start(options: FakeSlackOptions): Promise<FakeSlack> {
    const slack = new FakeSlack(options);
    await new Promise<void>((resolve, reject) => {
      slack.server.once("error", reject);
      slack.server.listen(slack.listenPort, slack.host, () => {
        slack.server.off("error", reject);
        slack.listenPort = (slack.server.address() as AddressInfo).port;
        resolve();
      });
    });
    return slack;
  }

  /** Stops the server, closing Socket Mode connections and keep-alive sockets. Idempotent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopReadinessChecks();
    await this.hub.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ================================================================ URLs & config

  get port(): number {
    return this.listenPort;
  }

  /** `http://127.0.0.1:<port>` */
  get baseUrl(): string {
    return `http://${this.host}:${this.listenPort}`;
  }

  /** `http://127.0.0.1:<port>/api/` — pass as `clientOptions.slackApiUrl`. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** Sets the HTTP-mode delivery target (e.g. `http://127.0.0.1:3001/slack/events`). */
  setRequestUrl(url: string | undefined): void {
    this.stopReadinessChecks();
    this.requestUrl = url;
    this.requestUrls = [];
  }

  /**
   * Several HTTP-mode targets (replicas), behind a health-checking load balancer: deliveries go to them in
   * turn, skipping a target whose last `GET /readyz` (polled every `readinessIntervalMs`) was not 200 as
   * long as another one is ready; and a target that refuses the connection (a stopped replica) is
   * skipped for that delivery, as nginx's `proxy_next_upstream error` does. A request already sent is
   * never sent again.
   */
  setRequestUrls(urls: string[]): void {
    this.stopReadinessChecks();
    this.requestUrls = [...urls];
    this.requestUrl = urls[0];
    this.nextTarget = 0;
    if (urls.length > 1 && this.readinessIntervalMs > 0) {
      const inFlight = new Set<string>();
      const poll = () => {
        for (const url of this.requestUrls) {
          if (inFlight.has(url)) continue; // a slow answer: no second check on top of it
          inFlight.add(url);
          const timer = this.readinessTimer;
          // a check that does not answer within a few intervals counts as not ready, as a balancer's does
          getStatus(new URL("/readyz", url).href, Math.max(1000, 3 * this.readinessIntervalMs)).then(
            (status) => {
              inFlight.delete(url);
              if (this.readinessTimer === timer) this.readiness.set(url, status === 200);
            },
          );
        }
      };
      this.readinessTimer = setInterval(poll, this.readinessIntervalMs);
      this.readinessTimer.unref();
      poll();
    }
  }

  private stopReadinessChecks(): void {
    if (this.readinessTimer) clearInterval(this.readinessTimer);
    this.readinessTimer = undefined;
    this.readiness.clear();
  }

  addUser(user: FakeUser): FakeUser {
    return this.state.addUser(user);
  }

  addChannel(channel: FakeChannel): FakeChannel {
    return this.state.addChannel(channel);
  }

  /** A known user (throws for unknown ids, to catch typos in tests). */
  user(id: string): FakeUser {
    const user = this.state.users.get(id);
    if (!user) throw new Error(`FakeSlack: unknown user ${id}; add it with addUser()`);
    return user;
  }

  /** The DM conversation id between the app and a user (`D` + user id). */
  dmId(userId: string): string {
    return this.state.dmId(userId);
  }

  /** Replaces or adds a Web API method. */
  stubMethod(method: string, stub: MethodStub): void {
    this.stubs.set(method, stub);
  }

  removeStub(method: string): void {
    this.stubs.delete(method);
  }

  /** The next `times` calls to `method` (`"*"` = any) answer HTTP 429 with `Retry-After: retryAfter` seconds. */
  inject429({
    method,
    times = 1,
    retryAfter = 1,
  }: {
    method: string;
    times?: number;
    retryAfter?: number;
  }): void {
    this.limiter.inject(method, times, retryAfter);
  }

  /** Replaces the rate-limit configuration (pass `{}` to disable). Buckets restart full. */
  setRateLimits(options: RateLimitOptions): void {
    this.limiter.configure(options);
  }

  /** Number of Socket Mode connections currently open. */
  get socketConnections(): number {
    return this.hub.connectionCount;
  }

  /** Sends `{type:"disconnect"}` to every Socket Mode client (they reconnect via apps.connections.open). */
  requestSocketReconnect(reason = "refresh_requested"): void {
    this.hub.requestReconnect(reason);
  }

  /** Clears recorded calls, deliveries, activity, violations and conversation/view/file state. */
  reset(): void {
    this.calls.length = 0;
    this.deliveries.length = 0;
    this.state.reset();
    this.limiter.reset();
  }

  // ================================================================ inspection

  /** Live messages of a conversation (a user id means their DM), oldest first. */
  messages(channel: string, options: { includeDeleted?: boolean } = {}): StoredMessage[] {
    return this.state.messages(channel, options.includeDeleted ?? false);
  }

  /** The most recent live message of a conversation. */
  lastMessage(channel: string): StoredMessage | undefined {
    return this.messages(channel).at(-1);
  }

  /** Live ephemeral messages, optionally only those shown to `user`. */
  ephemerals(user?: string): StoredEphemeral[] {
    return this.state.ephemerals.filter((e) => !e.deleted && (user === undefined || e.user === user));
  }

  /** Every response_url post (including refused ones). */
  get responses(): ResponseUrlPost[] {
    return this.state.responses;
  }

  /** Every view ever opened/pushed/published (closed ones included, see `status`). */
  get views(): StoredView[] {
    return this.state.views;
  }

  /** The user's open modal stack, bottom first. */
  viewStack(user: string): StoredView[] {
    return this.state.modalStack(user);
  }

  /** The modal currently shown to the user (top of the stack). */
  currentView(user: string): StoredView | undefined {
    return this.state.modalStack(user).at(-1);
  }

  /** The user's published App Home view. */
  home(user: string): StoredView | undefined {
    return this.state.findView(this.state.homeViews.get(user));
  }

  /** Uploaded files (with bytes). */
  get files(): StoredFile[] {
    return this.state.files;
  }

  get violations(): Violation[] {
    return this.state.violations;
  }

  get activity(): Activity[] {
    return this.state.activity;
  }

  /** Calls to one Web API method. */
  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Accepted `chat.postMessage` calls for a recipient (channel id, DM id or user id). */
  acceptedCount(recipient: string): number {
    const channel = this.state.resolveChannel(recipient, false);
    return this.state.accepted.get(channel?.id ?? recipient) ?? 0;
  }

  /**
   * From now on `chat.postMessage` to this recipient (user id, DM or channel id) answers `{ ok: false,
   * error }` (e.g. "channel_not_found", "is_archived"); `null` lifts it. Not cleared by `reset()`.
   */
  failPostsTo(recipient: string, error: string | null): void {
    const id = this.state.resolveChannel(recipient)?.id ?? recipient;
    if (error) this.state.postFailures.set(id, error);
    else this.state.postFailures.delete(id);
  }

  /** Accepted `chat.postMessage` calls per conversation id. */
  acceptedCounts(): Record<string, number> {
    return Object.fromEntries(this.state.accepted);
  }

  /** Throws (with a dump) when any rule violation was recorded. */
  assertNoViolations(): void {
    if (this.violations.length > 0) {
      throw new Error(`FakeSlack recorded ${this.violations.length} violation(s)\n${this.dump()}`);
    }
  }

  /** JSON-serialisable snapshot of the whole state (file bytes omitted). */
  snapshot(): JsonObject {
    const channels: Record<string, StoredMessage[]> = {};
    for (const [id, list] of this.state.messagesByChannel) channels[id] = list;
    return clone({
      team: this.team,
      appId: this.appId,
      botUserId: this.botUserId,
      users: [...this.state.users.values()],
      channels: [...this.state.channels.values()],
      messages: channels,
      ephemerals: this.state.ephemerals,
      views: this.state.views,
      modalStacks: Object.fromEntries(this.state.modalStacks),
      homes: Object.fromEntries(this.state.homeViews),
      files: this.state.files.map((f) => this.state.fileSummary(f)),
      responses: this.state.responses,
      violations: this.state.violations,
      calls: this.calls,
      deliveries: this.deliveries,
      accepted: this.acceptedCounts(),
    });
  }

  /** Human-readable summary of recent state, used in `waitFor` failures. */
  dump(): string {
    const lines: string[] = ["--- FakeSlack state ---"];
    const recentCalls = this.calls.slice(-25);
    lines.push(`calls (${recentCalls.length} of ${this.calls.length}):`);
    for (const call of recentCalls) {
      const keys = ["channel", "user", "user_id", "ts", "view_id", "trigger_id", "text"]
        .filter((k) => call.args[k] !== undefined)
        .map((k) => `${k}=${truncate(String(call.args[k]), 40)}`)
        .join(" ");
      lines.push(
        `  #${call.seq} ${call.method} ${call.ok ? "ok" : `ERROR ${call.error}`} [${call.status}] ${keys}`,
      );
    }
    lines.push("messages:");
    for (const [channel, list] of this.state.messagesByChannel) {
      for (const m of list.slice(-10)) {
        lines.push(
          `  ${channel} ${m.ts}${m.deleted ? " (deleted)" : ""}${m.editedAt ? " (edited)" : ""} ${m.user}: ${truncate(m.text, 80)}${m.blocks ? ` [${m.blocks.length} blocks]` : ""}`,
        );
      }
    }
    lines.push("ephemerals:");
    for (const e of this.state.ephemerals.slice(-10)) {
      lines.push(
        `  ${e.user}@${e.channel} ${e.ts}${e.deleted ? " (deleted)" : ""} ${e.source}: ${truncate(e.text, 80)}`,
      );
    }
    lines.push("views:");
    for (const v of this.state.views.slice(-10)) {
      lines.push(
        `  ${v.id} ${v.type} user=${v.user} ${v.status} callback_id=${v.callbackId ?? ""} updates=${v.updates}`,
      );
    }
    lines.push("response_url posts:");
    for (const r of this.state.responses.slice(-10)) {
      lines.push(
        `  ${r.responseUrlId.slice(0, 8)} ${r.effect} ${r.error ?? ""} ${truncate(str(r.body.text) ?? "", 60)}`,
      );
    }
    lines.push("deliveries:");
    for (const d of this.deliveries.slice(-10)) {
      lines.push(
        `  ${d.id} ${d.kind} via ${d.via} status=${d.status} acked=${d.acked} ${d.ackMs !== undefined ? `${Math.round(d.ackMs)}ms` : ""}${d.late ? " LATE" : ""}${d.error ? ` error=${d.error}` : ""}`,
      );
    }
    lines.push(`violations (${this.violations.length}):`);
    for (const v of this.violations) lines.push(`  ${v.rule}: ${v.message}`);
    return lines.join("\n");
  }

  // ================================================================ waiting

  /**
   * Polls `predicate` until it returns a truthy value (returned) or the timeout passes (throws with a
   * state dump). Exceptions thrown by the predicate count as "not yet" and are reported on timeout.
   */
  async waitFor<T>(
    predicate: () => T | undefined | null | false | "" | 0,
    options: number | WaitForOptions = {},
  ): Promise<T> {
    const opts = typeof options === "number" ? { timeoutMs: options } : options;
    const timeoutMs = opts.timeoutMs ?? this.waitForTimeoutMs;
    const intervalMs = opts.intervalMs ?? 10;
    const deadline = performance.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        const value = predicate();
        if (value) return value;
      } catch (error) {
        lastError = error;
      }
      if (performance.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    const what = opts.description ?? "condition";
    const cause = lastError instanceof Error ? `\nlast predicate error: ${lastError.message}` : "";
    throw new Error(`FakeSlack.waitFor: ${what} not met within ${timeoutMs}ms${cause}\n${this.dump()}`);
  }

  /** Waits for a live message in `channel` matching `match` (substring, RegExp or predicate). */
  waitForMessage(
    channel: string,
    match?: string | RegExp | ((m: StoredMessage) => boolean),
    options?: number | WaitForOptions,
  ): Promise<StoredMessage> {
    const test = toMatcher(match, (m: StoredMessage) => messageText(m));
    return this.waitFor(
      () => this.messages(channel).find(test),
      withDescription(options, `message in ${channel}`),
    );
  }

  /** Waits for a live ephemeral shown to `user`. */
  waitForEphemeral(
    user: string,
    match?: string | RegExp | ((e: StoredEphemeral) => boolean),
    options?: number | WaitForOptions,
  ): Promise<StoredEphemeral> {
    const test = toMatcher(match, (e: StoredEphemeral) => messageText(e));
    return this.waitFor(
      () => this.ephemerals(user).find(test),
      withDescription(options, `ephemeral for ${user}`),
    );
  }

  /** Waits for a Web API call to `method` (optionally matching `match`). */
  waitForCall(
    method: string,
    match?: (call: ApiCall) => boolean,
    options?: number | WaitForOptions,
  ): Promise<ApiCall> {
    return this.waitFor(
      () => this.calls.find((c) => c.method === method && (!match || match(c))),
      withDescription(options, `call to ${method}`),
    );
  }

  /** Waits for a response_url post (optionally matching). */
  waitForResponse(
    match?: (post: ResponseUrlPost) => boolean,
    options?: number | WaitForOptions,
  ): Promise<ResponseUrlPost> {
    return this.waitFor(
      () => this.responses.find((r) => !match || match(r)),
      withDescription(options, "response_url post"),
    );
  }

  // ================================================================ deliveries

  /** Delivers a slash command. The ack body (text/blocks) is shown like Slack does (ephemeral by default). */
  async slashCommand(options: SlashCommandOptions): Promise<DeliveryResult> {
    const user = this.user(options.user);
    const channel = this.state.resolveChannel(options.channel ?? "C0GENERAL");
    if (!channel) throw new Error(`FakeSlack.slashCommand: unknown channel ${options.channel}`);
    const deliveryId = this.nextDeliveryId();
    const triggerId = this.state.issueTrigger(user.id, deliveryId);
    const responseUrl = this.state.issueResponseUrl(user.id, channel.id);
    const fields: Record<string, string> = {
      token: VERIFICATION_TOKEN,
      team_id: this.team.id,
      team_domain: this.team.domain,
      channel_id: channel.id,
      channel_name: channel.isIm ? "directmessage" : channel.name,
      user_id: user.id,
      user_name: user.name,
      command: options.command,
      text: options.text ?? "",
      api_app_id: this.appId,
      is_enterprise_install: "false",
      response_url: responseUrl.url,
      trigger_id: triggerId,
    };
    const result = await this.deliver(
      {
        kind: "slash_command",
        via: this.resolveVia(options.via),
        payload: fields,
        envelopeType: "slash_commands",
        acceptsResponsePayload: true,
        http: {
          contentType: "application/x-www-form-urlencoded",
          body: new URLSearchParams(fields).toString(),
        },
        signing: options.signing,
        user: user.id,
        responseUrl: responseUrl.url,
        triggerId,
      },
      deliveryId,
      (delivery) => {
        const body = delivery.ackBody;
        if (body && (str(body.text) || Array.isArray(body.blocks) || Array.isArray(body.attachments))) {
          this.state.applyResponse(responseUrl, body, "ack");
        }
      },
    );
    return result;
  }

  /** Clicks a button (block_actions). `value` overrides the button's value. */
  clickButton(options: InteractOptions): Promise<DeliveryResult> {
    return this.interact(options);
  }

  /** Picks an option / date / user ... in a select-like element (block_actions). */
  selectOption(options: InteractOptions): Promise<DeliveryResult> {
    return this.interact(options);
  }

  /** Sends a block_actions payload for the element `actionId`, wherever it is rendered. */
  async interact(options: InteractOptions): Promise<DeliveryResult> {
    const user = this.user(options.user);
    const located = this.locate(user.id, options.actionId, options);
    const deliveryId = this.nextDeliveryId();
    const triggerId = this.state.issueTrigger(user.id, deliveryId);
    const actionTs = (this.state.clock() / 1000).toFixed(6);
    const action = actionFor(located.match, options.value, actionTs);
    const payload: JsonObject = {
      type: "block_actions",
      ...this.interactiveBase(user.id),
      trigger_id: triggerId,
    };
    let responseUrl: ResponseUrlRecord | undefined;
    const stateful = located.match.element.type !== "button" && located.match.element.type !== "overflow";
    const newState = stateful ? stateValueFor(located.match.element, options.value ?? null) : undefined;
    if (located.kind === "view") {
      const view = located.view;
      if (newState) setStateValue(view.view, located.match, newState);
      payload.container = { type: "view", view_id: view.id };
      payload.view = clone(view.view);
      payload.state = clone(view.view.state);
    } else if (located.kind === "message") {
      const m = located.message;
      const channel = this.state.resolveChannel(m.channel, false);
      responseUrl = this.state.issueResponseUrl(user.id, m.channel, {
        channel: m.channel,
        ts: m.ts,
        ephemeral: false,
      });
      const state: JsonObject = { values: {} };
      if (newState) setStateValue({ state } as JsonObject, located.match, newState);
      payload.container = {
        type: "message",
        message_ts: m.ts,
        channel_id: m.channel,
        is_ephemeral: false,
        ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      };
      payload.channel = {
        id: m.channel,
        name: channel?.isIm ? "directmessage" : (channel?.name ?? m.channel),
      };
      payload.message = this.state.toApiMessage(m);
      payload.state = state;
      payload.response_url = responseUrl.url;
    } else {
      const e = located.ephemeral;
      const channel = this.state.resolveChannel(e.channel, false);
      responseUrl = this.state.issueResponseUrl(user.id, e.channel, {
        channel: e.channel,
        ts: e.ts,
        ephemeral: true,
      });
      const state: JsonObject = { values: {} };
      if (newState) setStateValue({ state } as JsonObject, located.match, newState);
      payload.container = { type: "message", message_ts: e.ts, channel_id: e.channel, is_ephemeral: true };
      payload.channel = {
        id: e.channel,
        name: channel?.isIm ? "directmessage" : (channel?.name ?? e.channel),
      };
      payload.state = state;
      payload.response_url = responseUrl.url;
    }
    payload.actions = [action];
    return this.deliver(
      {
        kind: "block_actions",
        via: this.resolveVia(options.via),
        payload,
        envelopeType: "interactive",
        acceptsResponsePayload: false,
        http: interactiveBody(payload),
        signing: options.signing,
        user: user.id,
        responseUrl: responseUrl?.url,
        triggerId,
      },
      deliveryId,
    );
  }

  /** Sends a block_suggestion (external_select typing) and returns the options the app answered. */
  async optionsRequest(options: OptionsRequestOptions): Promise<OptionsResult> {
    const user = this.user(options.user);
    const located = this.locate(user.id, options.actionId, options);
    const payload: JsonObject = {
      type: "block_suggestion",
      ...this.interactiveBase(user.id),
      action_id: options.actionId,
      block_id: located.match.blockId,
      value: options.value ?? "",
      action_ts: (this.state.clock() / 1000).toFixed(6),
    };
    if (located.kind === "view") {
      payload.container = { type: "view", view_id: located.view.id };
      payload.view = clone(located.view.view);
    } else {
      const channel = located.kind === "message" ? located.message.channel : located.ephemeral.channel;
      const ts = located.kind === "message" ? located.message.ts : located.ephemeral.ts;
      payload.container = {
        type: "message",
        message_ts: ts,
        channel_id: channel,
        is_ephemeral: located.kind === "ephemeral",
      };
      payload.channel = { id: channel, name: this.state.resolveChannel(channel, false)?.name ?? channel };
      if (located.kind === "message") payload.message = this.state.toApiMessage(located.message);
    }
    const result = await this.deliver(
      {
        kind: "block_suggestion",
        via: this.resolveVia(options.via),
        payload,
        envelopeType: "interactive",
        acceptsResponsePayload: true,
        http: interactiveBody(payload),
        signing: options.signing,
        user: user.id,
      },
      this.nextDeliveryId(),
    );
    const body = result.ackBody ?? {};
    const list = Array.isArray(body.options) ? body.options.filter(isRecord) : [];
    const groups = Array.isArray(body.option_groups) ? body.option_groups.filter(isRecord) : undefined;
    const count =
      list.length + (groups ?? []).reduce((n, g) => n + (Array.isArray(g.options) ? g.options.length : 0), 0);
    if (count > 100) {
      this.state.violate("invalid_blocks", `options response holds ${count} options (max 100)`, {
        actionId: options.actionId,
      });
    }
    return { ...result, options: list, ...(groups ? { optionGroups: groups } : {}) };
  }

  /** Submits a modal (view_submission) and applies the app's `response_action`. */
  async submitView(options: SubmitViewOptions): Promise<SubmissionResult> {
    const view = this.resolveModal(options.viewId, options.user);
    const user = this.user(options.user ?? view.user);
    this.applyViewValues(view, options.values ?? {});
    const deliveryId = this.nextDeliveryId();
    const triggerId = this.state.issueTrigger(user.id, deliveryId);
    const payload: JsonObject = {
      type: "view_submission",
      ...this.interactiveBase(user.id),
      trigger_id: triggerId,
      view: clone(view.view),
      response_urls: [],
    };
    let responseAction: string | undefined;
    let errors: Record<string, string> | undefined;
    const result = await this.deliver(
      {
        kind: "view_submission",
        via: this.resolveVia(options.via),
        payload,
        envelopeType: "interactive",
        acceptsResponsePayload: true,
        http: interactiveBody(payload),
        signing: options.signing,
        user: user.id,
        triggerId,
      },
      deliveryId,
      (delivery) => {
        const body = delivery.ackBody ?? {};
        responseAction = str(body.response_action);
        if (responseAction === "errors")
          errors = isRecord(body.errors) ? (body.errors as Record<string, string>) : {};
        this.applyResponseAction(view, body);
      },
    );
    return {
      ...result,
      ...(responseAction ? { responseAction } : {}),
      ...(errors ? { errors } : {}),
    };
  }

  /**
   * Records what the user has typed or picked in a view's inputs without sending anything to the app
   * (Slack keeps input state on its side until a submission or a `dispatch_action` element sends it).
   * `values` has the shape of {@link SubmitViewOptions.values}. Used by the playground before a click in
   * a modal or on the App Home, so the `block_actions` payload carries the whole current `view.state`.
   */
  setViewValues(viewId: string, values: Record<string, unknown>): StoredView {
    const view = this.state.findView(viewId);
    if (!view || view.status === "closed") throw new Error(`FakeSlack: view ${viewId} is not open`);
    this.applyViewValues(view, values);
    return view;
  }

  private applyViewValues(view: StoredView, given: Record<string, unknown>): void {
    const state = clone((view.view.state as JsonObject | undefined) ?? { values: {} });
    const values = (state.values ?? {}) as Record<string, Record<string, JsonObject>>;
    for (const [blockId, input] of Object.entries(given)) {
      const elements = listElements(view.view.blocks).filter((m) => m.blockId === blockId);
      if (elements.length === 0) {
        throw new Error(
          `FakeSlack.submitView: view ${view.id} has no block ${blockId}; blocks: ${describeElements(view.view.blocks)}`,
        );
      }
      const byAction =
        isRecord(input) && Object.keys(input).some((k) => elements.some((m) => m.element.action_id === k));
      const entries: Array<[string, unknown]> = byAction
        ? Object.entries(input as JsonObject)
        : [[String(elements[0]!.element.action_id), input]];
      for (const [actionId, value] of entries) {
        const match = findElement(view.view.blocks, actionId, blockId);
        if (!match) throw new Error(`FakeSlack.submitView: block ${blockId} has no element ${actionId}`);
        values[blockId] ??= {};
        values[blockId][actionId] = stateValueFor(match.element, value as ElementInput);
      }
    }
    state.values = values;
    view.view.state = state;
  }

  /**
   * Closes a modal as the user would (Cancel/X). When the view has `notify_on_close`, a view_closed
   * payload is delivered and its result returned; otherwise returns undefined.
   */
  async closeView(options: CloseViewOptions = {}): Promise<DeliveryResult | undefined> {
    const view = this.resolveModal(options.viewId, options.user);
    const user = options.user ?? view.user;
    const clearAll = view.view.clear_on_close === true;
    if (view.view.notify_on_close !== true) {
      this.state.closeModal(view, clearAll);
      return undefined;
    }
    const payload: JsonObject = {
      type: "view_closed",
      ...this.interactiveBase(user),
      view: clone(view.view),
      is_cleared: clearAll,
    };
    this.state.closeModal(view, clearAll);
    return this.deliver(
      {
        kind: "view_closed",
        via: this.resolveVia(options.via),
        payload,
        envelopeType: "interactive",
        acceptsResponsePayload: false,
        http: interactiveBody(payload),
        signing: options.signing,
        user,
      },
      this.nextDeliveryId(),
    );
  }

  /** Triggers a global shortcut. */
  async shortcut(options: DeliveryOptions & { user: string; callbackId: string }): Promise<DeliveryResult> {
    const user = this.user(options.user);
    const deliveryId = this.nextDeliveryId();
    const triggerId = this.state.issueTrigger(user.id, deliveryId);
    const payload: JsonObject = {
      type: "shortcut",
      ...this.interactiveBase(user.id),
      callback_id: options.callbackId,
      trigger_id: triggerId,
      action_ts: (this.state.clock() / 1000).toFixed(6),
    };
    return this.deliver(
      {
        kind: "shortcut",
        via: this.resolveVia(options.via),
        payload,
        envelopeType: "interactive",
        acceptsResponsePayload: false,
        http: interactiveBody(payload),
        signing: options.signing,
        user: user.id,
        triggerId,
      },
      deliveryId,
    );
  }

  /**
   * Delivers an arbitrary interactivity payload as-is (no trigger/response_url bookkeeping), for
   * payload types the helpers do not cover.
   */
  sendInteraction(payload: JsonObject, options: DeliveryOptions = {}): Promise<DeliveryResult> {
    return this.deliver(
      {
        kind: "interactive",
        via: this.resolveVia(options.via),
        payload,
        envelopeType: "interactive",
        acceptsResponsePayload: true,
        http: interactiveBody(payload),
        signing: options.signing,
      },
      this.nextDeliveryId(),
    );
  }

  /**
   * Delivers an Events API event wrapped in an `event_callback`. `event_ts` is filled in;
   * `app_home_opened` also gets `channel`, `tab` and the published home `view`.
   */
  async sendEvent(event: JsonObject, options: SendEventOptions = {}): Promise<DeliveryResult> {
    const filled: JsonObject = { ...event };
    filled.event_ts ??= this.state.tsf.next();
    if (filled.type === "app_home_opened" && typeof filled.user === "string") {
      filled.channel ??= this.dmId(filled.user);
      filled.tab ??= "home";
      const home = this.home(filled.user);
      if (home && filled.tab === "home" && filled.view === undefined) filled.view = clone(home.view);
    }
    const eventId = options.eventId ?? this.ids.slackId("Ev");
    const body: JsonObject = {
      token: VERIFICATION_TOKEN,
      team_id: this.team.id,
      api_app_id: this.appId,
      event: filled,
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(this.state.clock() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: this.team.id,
          user_id: this.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${Buffer.from(eventId).toString("base64url")}`,
    };
    const headers: Record<string, string> = {};
    if (options.retryNum !== undefined) {
      headers["x-slack-retry-num"] = String(options.retryNum);
      headers["x-slack-retry-reason"] = options.retryReason ?? "http_timeout";
    }
    return this.deliver(
      {
        kind: "event",
        via: this.resolveVia(options.via),
        payload: body,
        envelopeType: "events_api",
        acceptsResponsePayload: false,
        http: { contentType: "application/json", body: JSON.stringify(body), headers },
        signing: options.signing,
        user: typeof filled.user === "string" ? filled.user : undefined,
        eventId,
        retryNum: options.retryNum,
        retryReason: options.retryNum !== undefined ? (options.retryReason ?? "http_timeout") : undefined,
      },
      this.nextDeliveryId(),
    );
  }

  /** Redelivers the event of an earlier result with the same event_id and the next retry number. */
  retryEvent(
    previous: Delivery,
    options: DeliveryOptions & { retryReason?: string } = {},
  ): Promise<DeliveryResult> {
    if (previous.kind !== "event" || !isRecord(previous.payload.event)) {
      throw new Error("FakeSlack.retryEvent: not an event delivery");
    }
    const retryNum = Math.max(1, this.deliveries.filter((d) => d.eventId === previous.eventId).length);
    return this.sendEvent(previous.payload.event, {
      ...options,
      via: options.via ?? previous.via,
      eventId: previous.eventId,
      retryNum,
      retryReason: options.retryReason,
    });
  }

  /** The user opens the app's Home tab (`app_home_opened`). */
  openHome(user: string, options: SendEventOptions = {}): Promise<DeliveryResult> {
    this.user(user);
    return this.sendEvent({ type: "app_home_opened", user, tab: "home" }, options);
  }

  /** A user posts a message (DM with the app by default): stored, then delivered as a `message` event. */
  async userMessage(options: UserMessageOptions): Promise<DeliveryResult> {
    const user = this.user(options.user);
    const channel = this.state.resolveChannel(options.channel ?? user.id);
    if (!channel) throw new Error(`FakeSlack.userMessage: unknown channel ${options.channel}`);
    const message = this.state.postMessage(
      channel.id,
      { text: options.text, threadTs: options.threadTs },
      "user",
      user.id,
    );
    const event: JsonObject = {
      type: "message",
      channel: channel.id,
      user: user.id,
      text: options.text,
      ts: message.ts,
      event_ts: message.ts,
      team: this.team.id,
      channel_type: channel.isIm ? "im" : channel.id.startsWith("G") ? "group" : "channel",
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
    };
    return this.sendEvent(event, options);
  }

  /**
   * POSTs a signed body to the request URL exactly as given (string bodies are sent verbatim), for
   * signature/timestamp refusal tests. Objects are sent as JSON.
   */
  signedPost(
    body: string | JsonObject,
    options: SigningOverride & { contentType?: string; url?: string; headers?: Record<string, string> } = {},
  ): Promise<PostResult> {
    const url = options.url ?? this.requestUrl;
    if (!url) throw new Error("FakeSlack.signedPost: no requestUrl set");
    const raw = typeof body === "string" ? body : JSON.stringify(body);
    const contentType =
      options.contentType ??
      (typeof body === "string" ? "application/x-www-form-urlencoded" : "application/json");
    const signature = signRequest({
      secret: options.secret ?? this.signingSecret,
      body: raw,
      timestamp: options.timestamp,
    });
    return postRaw(
      url,
      raw,
      { "content-type": contentType, ...signature, ...options.headers },
      this.ackWaitMs,
    );
  }

  // ================================================================ internals: delivery

  private nextDeliveryId(): string {
    this.deliveryCounter += 1;
    return `dlv_${String(this.deliveryCounter).padStart(4, "0")}`;
  }

  private resolveVia(via: Transport | undefined): Transport {
    if (via) return via;
    if (this.defaultTransport) return this.defaultTransport;
    return this.hub.connectionCount > 0 ? "socket" : "http";
  }

  private interactiveBase(userId: string): JsonObject {
    const user = this.state.users.get(userId);
    return {
      user: { id: userId, username: user?.name ?? userId, name: user?.name ?? userId, team_id: this.team.id },
      api_app_id: this.appId,
      token: VERIFICATION_TOKEN,
      team: { id: this.team.id, domain: this.team.domain },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  /**
   * Sends one request to the app, waits for the ack, measures it against `ackTimeoutMs`, records the
   * delivery and runs `onAck` (the ack's side effects) only for timely, successful acks.
   */
  private async deliver(
    request: DeliverRequest,
    id: string,
    onAck?: (delivery: Delivery) => void,
  ): Promise<DeliveryResult> {
    if (this.stopped) throw new Error("FakeSlack: stopped");
    const activityStart = this.state.activity.length;
    const callsStart = this.calls.length;
    const delivery: Delivery = {
      id,
      kind: request.kind,
      via: request.via,
      payload: request.payload,
      startedAt: this.state.clock(),
      status: 0,
      acked: false,
      late: false,
    };
    if (request.user) delivery.user = request.user;
    if (request.responseUrl) delivery.responseUrl = request.responseUrl;
    if (request.triggerId) delivery.triggerId = request.triggerId;
    if (request.eventId) delivery.eventId = request.eventId;

    if (request.via === "http") {
      const url = this.requestUrl;
      if (!url) throw new Error("FakeSlack: no requestUrl set; call setRequestUrl() or deliver via socket");
      const signature = signRequest({
        secret: request.signing?.secret ?? this.signingSecret,
        body: request.http.body,
        timestamp: request.signing?.timestamp,
      });
      const started = performance.now();
      // in turn among the ready targets; the others (last /readyz not 200) only when no ready one
      // accepts the connection, as a load balancer that fails open when every target looks down
      const turn = this.nextTarget++;
      const inTurn = (list: string[]) => list.map((_, i) => list[(turn + i) % list.length] as string);
      const targets =
        this.requestUrls.length > 1
          ? [
              ...inTurn(this.requestUrls.filter((u) => this.readiness.get(u) !== false)),
              ...inTurn(this.requestUrls.filter((u) => this.readiness.get(u) === false)),
            ]
          : [url];
      let response = await postRaw(
        targets[0] as string,
        request.http.body,
        { "content-type": request.http.contentType, ...signature, ...request.http.headers },
        this.ackWaitMs,
      );
      delivery.target = targets[0];
      for (const next of targets.slice(1)) {
        // Like a load balancer (nginx `proxy_next_upstream error`): try the next replica only when the
        // connection could not be made, so the request was never sent (refused, or reset while connecting
        // to a replica that is shutting down).
        if (!(response.status === 0 && /ECONNREFUSED|\bconnect ECONNRESET/.test(response.error ?? ""))) break;
        delivery.target = next;
        response = await postRaw(
          next,
          request.http.body,
          { "content-type": request.http.contentType, ...signature, ...request.http.headers },
          this.ackWaitMs,
        );
      }
      delivery.status = response.status;
      delivery.rawBody = response.body;
      if (response.error) delivery.error = response.error;
      if (response.status > 0) {
        delivery.ackMs = performance.now() - started;
        delivery.acked = response.status >= 200 && response.status < 300;
        delivery.ackBody = parseAckBody(response.body);
      }
    } else {
      if (this.hub.connectionCount === 0) {
        throw new Error(
          "FakeSlack: no Socket Mode connection is open (start the app with socketMode: true first)",
        );
      }
      const sent = this.hub.send(
        {
          type: request.envelopeType,
          payload: request.payload,
          accepts_response_payload: request.acceptsResponsePayload,
          ...(request.envelopeType === "events_api"
            ? { retry_attempt: request.retryNum ?? 0, retry_reason: request.retryReason ?? "" }
            : {}),
        },
        this.ackWaitMs,
      );
      const ack = await sent.ack;
      if (ack.error) delivery.error = ack.error;
      if (ack.acked) {
        delivery.status = 200;
        delivery.acked = true;
        delivery.ackMs = ack.ms;
        if (ack.payload && Object.keys(ack.payload).length > 0) delivery.ackBody = ack.payload;
      }
    }

    const refused = delivery.status === 401 || delivery.status === 403;
    if (delivery.ackMs !== undefined && !refused && delivery.ackMs > this.ackTimeoutMs) {
      delivery.late = true;
      this.state.violate(
        "ack_timeout",
        `${request.kind} ${id} acknowledged after ${Math.round(delivery.ackMs)}ms (limit ${this.ackTimeoutMs}ms)`,
        { deliveryId: id, kind: request.kind, ackMs: Math.round(delivery.ackMs), via: request.via },
      );
    } else if (delivery.ackMs === undefined) {
      this.state.violate("no_ack", `${request.kind} ${id} was not acknowledged within ${this.ackWaitMs}ms`, {
        deliveryId: id,
        kind: request.kind,
        via: request.via,
        ...(delivery.error ? { error: delivery.error } : {}),
      });
    }
    if (delivery.acked && !delivery.late && onAck) onAck(delivery);
    this.deliveries.push(delivery);
    this.state.record({ type: "delivery", delivery });
    return {
      ...delivery,
      activity: this.state.activity.slice(activityStart),
      calls: this.calls.slice(callsStart),
    };
  }

  /** Applies a view_submission ack (`errors` / `update` / `push` / `clear` / close). */
  private applyResponseAction(view: StoredView, body: JsonObject): void {
    const action = str(body.response_action);
    if (action === "errors") {
      const errors = isRecord(body.errors) ? body.errors : {};
      const inputBlocks = new Set(
        (Array.isArray(view.view.blocks) ? view.view.blocks : [])
          .filter((b): b is JsonObject => isRecord(b) && b.type === "input")
          .map((b) => String(b.block_id)),
      );
      const unknown = Object.keys(errors).filter((k) => !inputBlocks.has(k));
      if (unknown.length > 0 || Object.keys(errors).length === 0) {
        this.state.violate(
          "invalid_response_action",
          `response_action errors must name input blocks of the view; unknown: ${unknown.join(", ") || "(none given)"}`,
          { viewId: view.id, unknown },
        );
      }
      return;
    }
    if (action === "update" || action === "push") {
      const issues = validateView(body.view, "modal");
      if (issues.length > 0) {
        this.state.violate(
          "invalid_response_action",
          `response_action ${action}: ${issues.map(formatIssue).join("; ")}`,
          {
            viewId: view.id,
          },
        );
        return;
      }
      if (action === "update") {
        this.state.updateView(view, body.view as JsonObject);
        return;
      }
      if (this.state.modalStack(view.user).length >= MODAL_STACK_LIMIT) {
        this.state.violate("modal_stack_limit", "response_action push beyond 3 stacked views", {
          viewId: view.id,
        });
        return;
      }
      this.state.pushModal(view.user, body.view as JsonObject, "response_action:push");
      return;
    }
    if (action === "clear") {
      this.state.closeModal(view, true);
      return;
    }
    if (action !== undefined) {
      this.state.violate("invalid_response_action", `unknown response_action ${action}`, { viewId: view.id });
      return;
    }
    this.state.closeModal(view);
  }

  private resolveModal(viewId: string | undefined, user: string | undefined): StoredView {
    const view = viewId ? this.state.findView(viewId) : user ? this.currentView(user) : undefined;
    if (!view) {
      throw new Error(
        `FakeSlack: no open modal ${viewId ? `with id ${viewId}` : `for user ${user}`}\n${this.dump()}`,
      );
    }
    if (view.type !== "modal" || view.status !== "open") {
      throw new Error(`FakeSlack: view ${view.id} is not an open modal (status ${view.status})`);
    }
    return view;
  }

  /** Finds the element `actionId` in the given target, or searches the user's surfaces. */
  private locate(user: string, actionId: string, target: InteractionTarget): Located {
    const { blockId } = target;
    const viewId = target.viewId ?? target.view?.id;
    if (viewId) {
      const view = this.state.findView(viewId);
      if (!view || view.status === "closed") throw new Error(`FakeSlack: view ${viewId} is not open`);
      const match = findElement(view.view.blocks, actionId, blockId);
      if (!match)
        throw new Error(
          `FakeSlack: view ${view.id} has no element ${actionId}; has ${describeElements(view.view.blocks)}`,
        );
      return { kind: "view", view, match };
    }
    if (target.message) {
      const channel = this.state.resolveChannel(target.message.channel, false);
      const channelId = channel?.id ?? target.message.channel;
      const message = this.state.findMessage(channelId, target.message.ts);
      if (message && !message.deleted) {
        const match = findElement(message.blocks, actionId, blockId);
        if (!match)
          throw new Error(
            `FakeSlack: message ${message.ts} has no element ${actionId}; has ${describeElements(message.blocks)}`,
          );
        return { kind: "message", message, match };
      }
      const ephemeral = this.state.findEphemeral(channelId, target.message.ts);
      if (ephemeral && !ephemeral.deleted) {
        const match = findElement(ephemeral.blocks, actionId, blockId);
        if (!match) throw new Error(`FakeSlack: ephemeral ${ephemeral.ts} has no element ${actionId}`);
        return { kind: "ephemeral", ephemeral, match };
      }
      throw new Error(`FakeSlack: no live message ${target.message.ts} in ${channelId}`);
    }
    for (const view of [...this.viewStack(user)].reverse()) {
      const match = findElement(view.view.blocks, actionId, blockId);
      if (match) return { kind: "view", view, match };
    }
    const home = this.home(user);
    if (home) {
      const match = findElement(home.view.blocks, actionId, blockId);
      if (match) return { kind: "view", view: home, match };
    }
    for (const ephemeral of [...this.ephemerals(user)].reverse()) {
      const match = findElement(ephemeral.blocks, actionId, blockId);
      if (match) return { kind: "ephemeral", ephemeral, match };
    }
    const dm = this.dmId(user);
    const channels = [dm, ...[...this.state.messagesByChannel.keys()].filter((c) => c !== dm)];
    for (const channel of channels) {
      for (const message of [...(this.state.messagesByChannel.get(channel) ?? [])].reverse()) {
        if (message.deleted) continue;
        const match = findElement(message.blocks, actionId, blockId);
        if (match) return { kind: "message", message, match };
      }
    }
    throw new Error(`FakeSlack: no element with action_id ${actionId} is visible to ${user}\n${this.dump()}`);
  }

  // ================================================================ internals: HTTP server

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    if (url.pathname.startsWith("/api/")) return this.handleApi(req, res, url);
    if (url.pathname.startsWith("/response/") && method === "POST")
      return this.handleResponseUrl(req, res, url);
    if (url.pathname.startsWith("/upload/") && (method === "POST" || method === "PUT")) {
      return this.handleUpload(req, res, url);
    }
    if (this.fallbackHandler) return this.fallbackHandler(req, res);
    sendJson(res, 404, { ok: false, error: "not_found" });
  }

  private async handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = decodeURIComponent(url.pathname.slice("/api/".length));
    const raw = await readBody(req);
    let args: JsonObject;
    try {
      args = await parseApiArguments(raw, req.headers["content-type"], url.searchParams);
    } catch {
      args = {};
      return this.finishCall(res, method, args, "none", 200, fail("invalid_form_data"));
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const token = bearer ?? str(args.token);
    delete args.token;
    const tokenType: ApiCall["tokenType"] =
      token === undefined || token === ""
        ? "none"
        : token === this.botToken
          ? "bot"
          : token === this.appToken
            ? "app"
            : "invalid";
    const stub = this.stubs.get(method);
    const handler = this.methods[method];
    if (!stub && !handler) return this.finishCall(res, method, args, tokenType, 200, fail("unknown_method"));
    const required = handler?.token ?? "any";
    if (required !== "none") {
      if (tokenType === "none") return this.finishCall(res, method, args, tokenType, 200, fail("not_authed"));
      if (tokenType === "invalid")
        return this.finishCall(res, method, args, tokenType, 200, fail("invalid_auth"));
      if ((required === "bot" && tokenType !== "bot") || (required === "app" && tokenType !== "app")) {
        return this.finishCall(res, method, args, tokenType, 200, fail("not_allowed_token_type"));
      }
    }
    const channel =
      method === "chat.postMessage" ? this.state.resolveChannel(str(args.channel), false)?.id : undefined;
    const limited = this.limiter.check(method, channel);
    if (limited) {
      this.state.record({
        type: "rate_limited",
        method,
        retryAfter: limited.retryAfter,
        reason: limited.reason,
      });
      return this.finishCall(res, method, args, tokenType, 429, fail("ratelimited"), limited.retryAfter);
    }
    let response: JsonObject;
    try {
      const ctx: ApiContext = {
        ws: this.state,
        socketUrl: () =>
          `ws://${this.host}:${this.listenPort}/socket?ticket=${this.hub.issueTicket()}&app_id=${this.appId}`,
        baseUrl: () => this.baseUrl,
      };
      response = stub ? await stub(args, this) : await handler!.handle(args, ctx);
    } catch (error) {
      response = fail("internal_error", { detail: error instanceof Error ? error.message : String(error) });
    }
    return this.finishCall(res, method, args, tokenType, 200, response);
  }

  private finishCall(
    res: ServerResponse,
    method: string,
    args: JsonObject,
    tokenType: ApiCall["tokenType"],
    status: number,
    response: JsonObject,
    retryAfter?: number,
  ): void {
    const call: ApiCall = {
      seq: this.state.nextSeq(),
      method,
      args: clone(args),
      tokenType,
      at: this.state.clock(),
      status,
      response: clone(response),
      ok: response.ok === true,
    };
    if (typeof response.error === "string") call.error = response.error;
    if (retryAfter !== undefined) call.retryAfter = retryAfter;
    this.calls.push(call);
    this.emit("call", call);
    sendJson(res, status, response, retryAfter !== undefined ? { "retry-after": String(retryAfter) } : {});
  }

  private async handleResponseUrl(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const id = url.pathname.slice("/response/".length);
    const raw = (await readBody(req)).toString("utf8");
    let body: JsonObject = {};
    try {
      const parsed: unknown = JSON.parse(raw);
      if (isRecord(parsed)) body = parsed;
    } catch {
      const form = new URLSearchParams(raw);
      const payload = form.get("payload");
      if (payload) {
        try {
          const parsed: unknown = JSON.parse(payload);
          if (isRecord(parsed)) body = parsed;
        } catch {
          // fall through with an empty body
        }
      } else body = Object.fromEntries(form.entries());
    }
    const result = this.state.handleResponsePost(id, body);
    sendJson(res, result.status, result.body);
  }

  private async handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const id = url.pathname.slice("/upload/".length);
    const file = this.state.files.find((f) => f.id === id);
    const raw = await readBody(req);
    if (!file || file.completed) {
      sendText(res, 404, "file_not_found");
      return;
    }
    const contentType = req.headers["content-type"] ?? "";
    let data = raw;
    if (contentType.toLowerCase().startsWith("multipart/form-data")) {
      const parts = await parseMultipart(raw, contentType);
      const part =
        parts.find((p) => p.filename !== undefined) ?? parts.find((p) => p.name === "file") ?? parts[0];
      data = part?.data ?? Buffer.alloc(0);
      if (part?.contentType && part.contentType !== "application/octet-stream")
        file.mimetype = part.contentType;
    } else if (contentType && !contentType.startsWith("application/x-www-form-urlencoded")) {
      file.mimetype = contentType.split(";")[0]!.trim();
    }
    file.bytes = data;
    file.size = data.length;
    file.uploaded = true;
    sendText(res, 200, `OK - ${data.length}`);
  }
}

// ================================================================ helpers

function interactiveBody(payload: JsonObject): { contentType: string; body: string } {
  return {
    contentType: "application/x-www-form-urlencoded",
    body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
  };
}

/** Parses an HTTP ack body: JSON object, `{ text }` for plain text, undefined when empty. */
function parseAckBody(raw: string): JsonObject | undefined {
  if (raw.trim() === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (isRecord(parsed)) return Object.keys(parsed).length > 0 ? parsed : undefined;
  } catch {
    // plain text
  }
  return { text: raw };
}

function setStateValue(view: JsonObject, match: ElementMatch, value: JsonObject): void {
  const state = isRecord(view.state) ? view.state : { values: {} };
  const values = (isRecord(state.values) ? state.values : {}) as Record<string, Record<string, JsonObject>>;
  values[match.blockId] ??= {};
  values[match.blockId]![String(match.element.action_id)] = value;
  state.values = values;
  view.state = state;
}

function describeElements(blocks: unknown): string {
  const list = listElements(blocks).map((m) => `${m.blockId}/${String(m.element.action_id)}`);
  return list.length > 0 ? list.join(", ") : "(no interactive elements)";
}

/** Text of a message including its blocks' text, for matching. */
function messageText(message: { text: string; blocks?: JsonObject[] }): string {
  return [message.text, ...(message.blocks ?? []).map((b) => JSON.stringify(b))].join("\n");
}

function toMatcher<T>(
  match: string | RegExp | ((item: T) => boolean) | undefined,
  text: (item: T) => string,
): (item: T) => boolean {
  if (match === undefined) return () => true;
  if (typeof match === "function") return match;
  if (typeof match === "string") return (item) => text(item).includes(match);
  return (item) => match.test(text(item));
}

function withDescription(options: number | WaitForOptions | undefined, description: string): WaitForOptions {
  if (typeof options === "number") return { timeoutMs: options, description };
  return { description, ...options };
}
