/**
 * Public data types of the Slack emulator. Every record is a plain, JSON-serialisable object (except
 * `StoredFile.bytes`, a Buffer) so the playground can ship them to a browser unchanged.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "./util.js";

/** Plain JSON object. */
export type JsonObject = Record<string, unknown>;

/** How an interaction or event reaches the app. */
export type Transport = "http" | "socket";

/** A workspace member known to the emulator. */
export interface FakeUser {
  id: string;
  /** Handle, e.g. `zhang.wei`. */
  name: string;
  realName?: string;
  displayName?: string;
  email?: string;
  /** IETF tag returned by `users.info` / `users.list` when `include_locale` is set, e.g. `zh-CN`. */
  locale?: string;
  /** IANA zone, e.g. `Asia/Shanghai`. */
  tz?: string;
  tzLabel?: string;
  /** Offset from UTC in seconds (computed from `tz` when omitted). */
  tzOffset?: number;
  deleted?: boolean;
  isBot?: boolean;
  isAdmin?: boolean;
  isOwner?: boolean;
  title?: string;
}

/** A conversation known to the emulator. DMs (`D` + user id) are created on demand. */
export interface FakeChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  /** Set for direct-message channels. */
  isIm?: boolean;
  /** The other member of a DM. */
  user?: string;
  members?: string[];
}

/** Workspace identity used in payloads. */
export interface FakeTeam {
  id: string;
  name: string;
  domain: string;
}

/** Optional rate limiting applied to Web API calls. */
export interface RateLimitOptions {
  /** `chat.postMessage` messages per second per channel (Slack: about 1). */
  perChannelPerSec?: number;
  /** Bucket size for the per-channel limit (default: max(1, perChannelPerSec)). */
  perChannelBurst?: number;
  /** Workspace-wide `chat.postMessage` messages per second. */
  workspacePerSec?: number;
  /** Bucket size for the workspace limit (default: max(1, workspacePerSec)). */
  workspaceBurst?: number;
  /** Probability in [0, 1] of answering any eligible call with a 429. */
  random429Rate?: number;
  /** Methods the random 429s apply to (default: every method except `auth.test` and `apps.connections.open`). */
  random429Methods?: string[];
  /** `Retry-After` seconds for random 429s and as a floor for bucket 429s (default 1). */
  retryAfter?: number;
  /** Per-method limits in calls per minute, e.g. `{ "users.info": 100 }` (Slack's tiers). */
  methodsPerMinute?: Record<string, number>;
}

/** Options of {@link FakeSlack.start}. */
export interface FakeSlackOptions {
  /** Signing secret used to sign HTTP deliveries (the Bolt app must use the same one). */
  signingSecret: string;
  /** Bot token the app authenticates with (default `xoxb-test`). */
  botToken?: string;
  /** App-level token for Socket Mode (default `xapp-test`). */
  appToken?: string;
  /** Port to listen on (default 0 = any free port). */
  port?: number;
  /** Interface to bind (default `127.0.0.1`). */
  host?: string;
  /** Logical clock for trigger expiry, response_url windows, rate limits and message ts (default `Date.now`). */
  clock?: Clock;
  users?: FakeUser[];
  /** Extra channels (a `#general` channel `C0GENERAL` always exists). */
  channels?: FakeChannel[];
  team?: Partial<FakeTeam>;
  appId?: string;
  botUserId?: string;
  botId?: string;
  /** Bot user handle (default `kpi-bot`). */
  botName?: string;
  /** HTTP-mode delivery target, e.g. `http://127.0.0.1:3001/slack/events` (can be set later). */
  requestUrl?: string;
  /**
   * Several HTTP-mode targets ({@link FakeSlack.setRequestUrls}): how often each target's `GET /readyz`
   * (same host and port) is polled, as a health-checking load balancer does (default 200 ms; 0: not
   * polled). A target whose last answer was not 200 gets no new delivery while another one is ready.
   */
  readinessIntervalMs?: number;
  /** Default transport when a delivery does not say (default: socket when connected, else http). */
  defaultTransport?: Transport;
  /** Deadline for acknowledging commands, actions, options, view submissions and events (default 3000 ms). */
  ackTimeoutMs?: number;
  /** How long to keep waiting for a late ack before giving up (default ackTimeoutMs + 2000 ms). */
  ackWaitMs?: number;
  /** Lifetime of a trigger_id (default 3000 ms of the logical clock). */
  triggerTtlMs?: number;
  /** Posts allowed per response_url (default 5). */
  responseUrlMaxPosts?: number;
  /** Lifetime of a response_url (default 30 minutes of the logical clock). */
  responseUrlTtlMs?: number;
  rateLimits?: RateLimitOptions;
  /** Seed for ids and random 429s (default 1). */
  seed?: number;
  /** When true, posting to an unknown `C…`/`G…` channel fails with `channel_not_found` (default false). */
  strictChannels?: boolean;
  /** Default timeout of {@link FakeSlack.waitFor} (default 2000 ms). */
  waitForTimeoutMs?: number;
  /** Handles requests to paths the emulator does not serve (the playground mounts its UI here). */
  fallbackHandler?: (req: IncomingMessage, res: ServerResponse) => void;
  /** Maximum simultaneous Socket Mode connections (Slack: 10). */
  maxSocketConnections?: number;
}

/** One Web API request as seen by the emulator. */
export interface ApiCall {
  seq: number;
  method: string;
  /** Decoded arguments (nested JSON fields parsed; the `token` field removed). */
  args: JsonObject;
  /** Which configured token authenticated the call. */
  tokenType: "bot" | "app" | "none" | "invalid";
  /** Logical-clock time. */
  at: number;
  /** HTTP status returned (200, or 429 when rate limited). */
  status: number;
  /** JSON body returned. */
  response: JsonObject;
  ok: boolean;
  error?: string;
  /** Set on 429 answers. */
  retryAfter?: number;
}

/** A previous version of a message, kept when it is edited. */
export interface MessageVersion {
  text: string;
  blocks?: JsonObject[];
  attachments?: JsonObject[];
  at: number;
}

/** Where a message or ephemeral came from. */
export type MessageSource = "chat.postMessage" | "response_url" | "ack" | "user" | "file_share";

/** A message in a conversation (bot or user authored). */
export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  /** Author: the bot user id for app messages. */
  user: string;
  botId?: string;
  text: string;
  blocks?: JsonObject[];
  attachments?: JsonObject[];
  metadata?: JsonObject;
  /** File ids shared with the message. */
  files?: string[];
  source: MessageSource;
  postedAt: number;
  editedAt?: number;
  deleted: boolean;
  deletedAt?: number;
  /** Earlier versions, oldest first. */
  versions: MessageVersion[];
  /** Extra arguments passed at post time (username, icon_emoji, unfurl_links, reply_broadcast ...). */
  extra?: JsonObject;
}

/** A message only one user can see. */
export interface StoredEphemeral {
  channel: string;
  user: string;
  ts: string;
  text: string;
  blocks?: JsonObject[];
  attachments?: JsonObject[];
  source: "chat.postEphemeral" | "response_url" | "ack";
  /** The response_url id that produced or last changed it. */
  responseUrlId?: string;
  postedAt: number;
  replacedAt?: number;
  deleted: boolean;
  versions: MessageVersion[];
}

/** A modal or App Home view. `view` is what Slack would return (ids, hash, state filled in). */
export interface StoredView {
  id: string;
  type: "modal" | "home";
  user: string;
  view: JsonObject;
  hash: string;
  externalId?: string;
  callbackId?: string;
  rootViewId?: string;
  previousViewId?: string;
  status: "open" | "closed" | "published";
  openedAt: number;
  updatedAt: number;
  closedAt?: number;
  /** Number of times the view content was replaced (0 = as opened). */
  updates: number;
  /** How it was opened: `views.open`, `views.push`, `response_action:push`, `views.publish`. */
  openedBy: string;
}

/** A file uploaded through `files.getUploadURLExternal` + upload URL + `files.completeUploadExternal`. */
export interface StoredFile {
  id: string;
  filename: string;
  title?: string;
  /** Length announced in `files.getUploadURLExternal`. */
  declaredLength: number;
  /** Bytes actually received at the upload URL. */
  bytes: Buffer;
  size: number;
  altText?: string;
  snippetType?: string;
  mimetype?: string;
  /** Channels the file was shared to on completion. */
  channels: string[];
  initialComment?: string;
  threadTs?: string;
  uploaded: boolean;
  completed: boolean;
  createdAt: number;
  /** ts of the share message, if shared. */
  messageTs?: string;
}

/** A POST to a response_url. */
export interface ResponseUrlPost {
  seq: number;
  responseUrlId: string;
  url: string;
  user: string;
  channel: string;
  at: number;
  body: JsonObject;
  status: number;
  ok: boolean;
  error?: string;
  effect: "posted_ephemeral" | "posted_in_channel" | "replaced" | "deleted" | "refused" | "noop";
  /** ts of the message/ephemeral that was posted, replaced or deleted. */
  ts?: string;
}

/** Rules from `slack-testing.md` the emulator enforces. */
export type ViolationRule =
  | "ack_timeout"
  | "no_ack"
  | "duplicate_ack"
  | "trigger_expired"
  | "trigger_reused"
  | "trigger_invalid"
  | "invalid_blocks"
  | "modal_stack_limit"
  | "response_url_limit"
  | "response_url_expired"
  | "invalid_response_action";

/** A recorded rule violation. */
export interface Violation {
  seq: number;
  rule: ViolationRule;
  message: string;
  at: number;
  details?: JsonObject;
}

/** Kinds of deliveries the emulator makes to the app. */
export type DeliveryKind =
  | "slash_command"
  | "block_actions"
  | "block_suggestion"
  | "view_submission"
  | "view_closed"
  | "shortcut"
  | "message_action"
  | "event"
  | "interactive";

/** One request sent to the app and what came back. */
export interface Delivery {
  id: string;
  kind: DeliveryKind;
  via: Transport;
  /** The payload as the app receives it (for commands: the form fields). */
  payload: JsonObject;
  user?: string;
  responseUrl?: string;
  triggerId?: string;
  eventId?: string;
  startedAt: number;
  /** Real milliseconds until the HTTP response / socket ack (undefined when never acked). */
  ackMs?: number;
  /** HTTP status (socket: 200 when acked, 0 when not). */
  status: number;
  acked: boolean;
  /** Acked, but after `ackTimeoutMs`; Slack would have shown an error and ignored the body. */
  late: boolean;
  /** The ack body: parsed JSON, `{ text }` for a plain-text body, undefined when empty. */
  ackBody?: JsonObject;
  /** Raw HTTP response body (HTTP deliveries only). */
  rawBody?: string;
  /** Transport error, if any. */
  error?: string;
  /** HTTP: the URL the request was sent to (with several targets, see FakeSlack.setRequestUrls) */
  target?: string;
}

/** What a delivery helper returns: the delivery plus what happened while waiting for the ack. */
export interface DeliveryResult extends Delivery {
  /** Activity recorded between sending and the ack. */
  activity: Activity[];
  /** Web API calls made between sending and the ack. */
  calls: ApiCall[];
}

/** Result of {@link FakeSlack.optionsRequest}. */
export interface OptionsResult extends DeliveryResult {
  options: JsonObject[];
  optionGroups?: JsonObject[];
}

/** Result of {@link FakeSlack.submitView}. */
export interface SubmissionResult extends DeliveryResult {
  /** `response_action` of the ack, if any. */
  responseAction?: string;
  /** Field errors when `response_action` is `errors`. */
  errors?: Record<string, string>;
}

/** Activity stream entry, pushed to `on("activity")` listeners (and later to the playground over SSE). */
export type Activity = { seq: number; at: number } & (
  | { type: "message_posted" | "message_updated" | "message_deleted"; message: StoredMessage }
  | { type: "ephemeral_posted" | "ephemeral_replaced" | "ephemeral_deleted"; ephemeral: StoredEphemeral }
  | { type: "view_opened" | "view_pushed" | "view_updated" | "view_closed"; view: StoredView }
  | { type: "home_published"; view: StoredView }
  | { type: "file_uploaded"; file: Omit<StoredFile, "bytes"> }
  | { type: "response_url_post"; post: ResponseUrlPost }
  | { type: "delivery"; delivery: Delivery }
  | { type: "violation"; violation: Violation }
  | { type: "rate_limited"; method: string; retryAfter: number; reason: string }
);

/** Distributes `Omit` over the activity union so each variant keeps its own fields. */
export type ActivityInput = Activity extends infer A
  ? A extends Activity
    ? Omit<A, "seq" | "at">
    : never
  : never;

/** Events emitted by {@link FakeSlack}. */
export interface FakeSlackEvents {
  activity: [Activity];
  call: [ApiCall];
  violation: [Violation];
}
