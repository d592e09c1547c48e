/**
 * The emulated workspace: users, conversations, messages, ephemerals, views, files, triggers and
 * response_urls, plus the recording of activity and rule violations. Transport-free: the Web API,
 * response_url endpoint and interaction helpers all mutate state through this class.
 */
import type { EventEmitter } from "node:events";
import { formatIssue, initialState, LIMITS, normalizeBlocks, validateMessage } from "./blocks.js";
import type {
  Activity,
  ActivityInput,
  FakeChannel,
  FakeSlackEvents,
  FakeTeam,
  FakeUser,
  JsonObject,
  MessageSource,
  ResponseUrlPost,
  StoredEphemeral,
  StoredFile,
  StoredMessage,
  StoredView,
  Violation,
  ViolationRule,
} from "./types.js";
import { type Clock, clone, type IdFactory, isRecord, str, type TsFactory, truthy } from "./util.js";

/** Identity of the app the emulator pretends to host. */
export interface AppIdentity {
  team: FakeTeam;
  appId: string;
  botUserId: string;
  botId: string;
  botName: string;
}

/** Settings that shape workspace rules. */
export interface WorkspaceSettings {
  triggerTtlMs: number;
  responseUrlMaxPosts: number;
  responseUrlTtlMs: number;
  strictChannels: boolean;
}

/** A trigger_id handed to the app with an interaction. */
export interface TriggerRecord {
  id: string;
  user: string;
  issuedAt: number;
  used: boolean;
  /** Delivery that carried it. */
  deliveryId: string;
}

/** Where a response_url post lands when it replaces/deletes "the original". */
export interface MessageRef {
  channel: string;
  ts: string;
  ephemeral: boolean;
}

/** A response_url handed to the app. */
export interface ResponseUrlRecord {
  id: string;
  url: string;
  user: string;
  channel: string;
  createdAt: number;
  posts: number;
  /** The message the interaction came from (block_actions on a message). */
  original?: MessageRef;
  /** The last message posted through this URL (what `replace_original` targets for commands). */
  lastPosted?: MessageRef;
}

/** Result of a Web-API-like operation: a Slack JSON body. */
export type ApiResult = JsonObject & { ok: boolean };

/** Shorthand for `{ ok: false, error }`. */
export function fail(error: string, extra: JsonObject = {}): ApiResult {
  return { ok: false, error, ...extra };
}

/** Seconds east of UTC for `tz` at `atMs` (0 for unknown zones). */
export function tzOffsetSeconds(tz: string, atMs: number): number {
  try {
    const parts = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    }).formatToParts(new Date(atMs));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
    const local = Date.UTC(
      get("year"),
      get("month") - 1,
      get("day"),
      get("hour"),
      get("minute"),
      get("second"),
    );
    return Math.round((local - Math.floor(atMs / 1000) * 1000) / 60_000) * 60;
  } catch {
    return 0;
  }
}

function tzLabel(tz: string, atMs: number): string {
  try {
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "long" }).formatToParts(
      new Date(atMs),
    );
    return parts.find((p) => p.type === "timeZoneName")?.value ?? tz;
  } catch {
    return tz;
  }
}

/** Message content accepted by the posting helpers. */
export interface MessageContent {
  text?: string;
  blocks?: unknown;
  attachments?: unknown;
}

/** The emulator's state. */
export class Workspace {
  /** Every activity entry, oldest first. */
  readonly activity: Activity[] = [];
  readonly violations: Violation[] = [];
  readonly responses: ResponseUrlPost[] = [];
  readonly views: StoredView[] = [];
  readonly files: StoredFile[] = [];
  readonly ephemerals: StoredEphemeral[] = [];

  readonly users = new Map<string, FakeUser>();
  readonly channels = new Map<string, FakeChannel>();
  readonly messagesByChannel = new Map<string, StoredMessage[]>();
  readonly modalStacks = new Map<string, string[]>();
  readonly homeViews = new Map<string, string>();
  readonly triggers = new Map<string, TriggerRecord>();
  readonly responseUrls = new Map<string, ResponseUrlRecord>();
  readonly accepted = new Map<string, number>();
  /** conversation id → the error `chat.postMessage` answers there (see FakeSlack.failPostsTo) */
  readonly postFailures = new Map<string, string>();

  private seq = 0;

  constructor(
    readonly identity: AppIdentity,
    readonly settings: WorkspaceSettings,
    readonly clock: Clock,
    readonly ids: IdFactory,
    readonly tsf: TsFactory,
    private readonly emitter: EventEmitter<FakeSlackEvents>,
    private readonly responseBaseUrl: () => string,
  ) {
    this.channels.set("C0GENERAL", { id: "C0GENERAL", name: "general" });
  }

  /** Next global sequence number (shared by calls, activity, violations and posts). */
  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  // ---------------------------------------------------------------- recording

  /** Appends an activity entry (payload deep-copied) and notifies listeners. */
  record(input: ActivityInput): Activity {
    const entry = { ...clone(input), seq: this.nextSeq(), at: this.clock() } as Activity;
    this.activity.push(entry);
    this.emitter.emit("activity", entry);
    return entry;
  }

  /** Records a rule violation. */
  violate(rule: ViolationRule, message: string, details?: JsonObject): Violation {
    const violation: Violation = {
      seq: this.nextSeq(),
      rule,
      message,
      at: this.clock(),
      details: clone(details),
    };
    this.violations.push(violation);
    this.emitter.emit("violation", violation);
    this.record({ type: "violation", violation });
    return violation;
  }

  /** Clears every recorded entry and all conversation/view/file state (users and channels stay). */
  reset(): void {
    this.activity.length = 0;
    this.violations.length = 0;
    this.responses.length = 0;
    this.views.length = 0;
    this.files.length = 0;
    this.ephemerals.length = 0;
    this.messagesByChannel.clear();
    this.modalStacks.clear();
    this.homeViews.clear();
    this.triggers.clear();
    this.responseUrls.clear();
    this.accepted.clear();
  }

  // ---------------------------------------------------------------- users & channels

  addUser(user: FakeUser): FakeUser {
    const stored = { ...user };
    this.users.set(user.id, stored);
    return stored;
  }

  addChannel(channel: FakeChannel): FakeChannel {
    const stored = { ...channel };
    this.channels.set(channel.id, stored);
    return stored;
  }

  /** The DM conversation id between the app and `userId`. */
  dmId(userId: string): string {
    return `D${userId}`;
  }

  /** True for the bot user and any known workspace member. */
  isKnownUser(id: string): boolean {
    return id === this.identity.botUserId || this.users.has(id);
  }

  private ensureDm(userId: string): FakeChannel {
    const id = this.dmId(userId);
    let channel = this.channels.get(id);
    if (!channel) {
      channel = { id, name: id, isIm: true, user: userId, members: [userId, this.identity.botUserId] };
      this.channels.set(id, channel);
    }
    return channel;
  }

  /**
   * Resolves a `channel` argument: a user id means that user's DM, `#name` a channel by name, `D…`
   * a DM, `C…`/`G…` a channel (created on demand unless `strictChannels`). Returns undefined when
   * Slack would answer `channel_not_found`. With `create: false` nothing is created.
   */
  resolveChannel(ref: string | undefined, create = true): FakeChannel | undefined {
    if (!ref) return undefined;
    if (/^[UW]/.test(ref)) {
      if (!this.users.has(ref)) return undefined;
      return create
        ? this.ensureDm(ref)
        : (this.channels.get(this.dmId(ref)) ?? { id: this.dmId(ref), name: ref });
    }
    const known = this.channels.get(ref);
    if (known) return known;
    if (ref.startsWith("#")) return [...this.channels.values()].find((c) => c.name === ref.slice(1));
    if (ref.startsWith("D")) {
      const user = ref.slice(1);
      if (!this.users.has(user)) return undefined;
      return create ? this.ensureDm(user) : { id: ref, name: ref, isIm: true, user };
    }
    if (/^[CG]/.test(ref) && !this.settings.strictChannels) {
      const channel: FakeChannel = { id: ref, name: ref.toLowerCase(), isPrivate: ref.startsWith("G") };
      if (create) this.channels.set(ref, channel);
      return channel;
    }
    return undefined;
  }

  /** Slack's `user` object for `users.info` / `users.list`. */
  userObject(user: FakeUser, includeLocale: boolean): JsonObject {
    const now = this.clock();
    const tz = user.tz ?? "Asia/Shanghai";
    const realName = user.realName ?? user.name;
    const displayName = user.displayName ?? "";
    const out: JsonObject = {
      id: user.id,
      team_id: this.identity.team.id,
      name: user.name,
      deleted: user.deleted ?? false,
      color: "9f69e7",
      real_name: realName,
      tz,
      tz_label: user.tzLabel ?? tzLabel(tz, now),
      tz_offset: user.tzOffset ?? tzOffsetSeconds(tz, now),
      profile: {
        title: user.title ?? "",
        phone: "",
        skype: "",
        real_name: realName,
        real_name_normalized: realName,
        display_name: displayName,
        display_name_normalized: displayName,
        fields: null,
        status_text: "",
        status_emoji: "",
        status_expiration: 0,
        avatar_hash: "g0000000000",
        ...(user.email !== undefined ? { email: user.email } : {}),
        image_24: "https://a.slack-edge.com/emulator/avatar_24.png",
        image_48: "https://a.slack-edge.com/emulator/avatar_48.png",
        image_72: "https://a.slack-edge.com/emulator/avatar_72.png",
        team: this.identity.team.id,
        ...(user.isBot && user.id === this.identity.botUserId
          ? { bot_id: this.identity.botId, api_app_id: this.identity.appId, always_active: true }
          : {}),
      },
      is_admin: user.isAdmin ?? false,
      is_owner: user.isOwner ?? false,
      is_primary_owner: false,
      is_restricted: false,
      is_ultra_restricted: false,
      is_bot: user.isBot ?? false,
      is_app_user: false,
      updated: Math.floor(now / 1000),
      is_email_confirmed: true,
      who_can_share_contact_card: "EVERYONE",
    };
    if (includeLocale) out.locale = user.locale ?? "en-US";
    return out;
  }

  /** The bot user as a FakeUser (listed by `users.list`, answered by `users.info`). */
  botUser(): FakeUser {
    return {
      id: this.identity.botUserId,
      name: this.identity.botName,
      realName: this.identity.botName,
      isBot: true,
      tz: "America/Los_Angeles",
    };
  }

  // ---------------------------------------------------------------- messages

  /** Messages of a conversation (user ids resolve to their DM); deleted ones only when asked. */
  messages(channelRef: string, includeDeleted = false): StoredMessage[] {
    const channel = this.resolveChannel(channelRef, false);
    const list = this.messagesByChannel.get(channel?.id ?? channelRef) ?? [];
    return includeDeleted ? list : list.filter((m) => !m.deleted);
  }

  findMessage(channel: string, ts: string): StoredMessage | undefined {
    return this.messagesByChannel.get(channel)?.find((m) => m.ts === ts);
  }

  /** Slack's `message` object for API responses and interaction payloads. */
  toApiMessage(message: StoredMessage): JsonObject {
    const isBot = message.user === this.identity.botUserId;
    const out: JsonObject = {
      type: "message",
      ...(message.files?.length ? { subtype: "file_share" } : {}),
      text: message.text,
      user: message.user,
      ts: message.ts,
      team: this.identity.team.id,
    };
    if (isBot) {
      out.bot_id = this.identity.botId;
      out.app_id = this.identity.appId;
      out.bot_profile = {
        id: this.identity.botId,
        app_id: this.identity.appId,
        name: this.identity.botName,
        deleted: false,
        team_id: this.identity.team.id,
      };
    }
    if (message.blocks) out.blocks = message.blocks;
    if (message.attachments) out.attachments = message.attachments;
    if (message.threadTs) out.thread_ts = message.threadTs;
    if (message.metadata) out.metadata = message.metadata;
    if (message.editedAt !== undefined) {
      out.edited = { user: message.user, ts: `${Math.floor(message.editedAt / 1000)}.000000` };
    }
    if (message.files?.length) {
      out.files = message.files.map((id) => {
        const file = this.files.find((f) => f.id === id);
        return file ? this.fileObject(file) : { id };
      });
    }
    return out;
  }

  /** Checks message content; returns a Slack error body or undefined. Records `invalid_blocks` violations. */
  checkMessageContent(content: MessageContent, method: string): ApiResult | undefined {
    const issues = validateMessage(content);
    if (issues.length > 0) {
      const messages = issues.map(formatIssue);
      if (issues.every((issue) => issue.pointer === "/text")) return fail("msg_too_long");
      if (issues.some((issue) => issue.pointer === "/attachments")) return fail("too_many_attachments");
      this.violate("invalid_blocks", `${method}: ${messages.join("; ")}`, { method, errors: messages });
      return fail("invalid_blocks", {
        errors: messages,
        response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) },
      });
    }
    return undefined;
  }

  /** Stores a new message (content must already be validated) and records activity. */
  postMessage(
    channel: string,
    content: MessageContent & {
      threadTs?: string;
      metadata?: JsonObject;
      files?: string[];
      extra?: JsonObject;
    },
    source: MessageSource,
    author: string = this.identity.botUserId,
  ): StoredMessage {
    const message: StoredMessage = {
      channel,
      ts: this.tsf.next(),
      user: author,
      text: content.text ?? "",
      source,
      postedAt: this.clock(),
      deleted: false,
      versions: [],
    };
    if (author === this.identity.botUserId) message.botId = this.identity.botId;
    const blocks = normalizeBlocks(content.blocks, this.ids);
    if (blocks) message.blocks = blocks;
    if (Array.isArray(content.attachments)) message.attachments = content.attachments as JsonObject[];
    if (content.threadTs) message.threadTs = content.threadTs;
    if (content.metadata) message.metadata = content.metadata;
    if (content.files) message.files = content.files;
    if (content.extra && Object.keys(content.extra).length > 0) message.extra = content.extra;
    let list = this.messagesByChannel.get(channel);
    if (!list) {
      list = [];
      this.messagesByChannel.set(channel, list);
    }
    list.push(message);
    this.record({ type: "message_posted", message });
    return message;
  }

  /** Replaces a message's content, keeping the previous version. Omitted blocks/attachments are kept. */
  updateMessage(message: StoredMessage, content: MessageContent): StoredMessage {
    message.versions.push({
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.attachments ? { attachments: message.attachments } : {}),
      at: message.editedAt ?? message.postedAt,
    });
    if (content.text !== undefined) message.text = content.text;
    if (content.blocks !== undefined) message.blocks = normalizeBlocks(content.blocks, this.ids) ?? [];
    if (content.attachments !== undefined) message.attachments = content.attachments as JsonObject[];
    message.editedAt = this.clock();
    this.record({ type: "message_updated", message });
    return message;
  }

  deleteMessage(message: StoredMessage): void {
    message.deleted = true;
    message.deletedAt = this.clock();
    this.record({ type: "message_deleted", message });
  }

  /** Counts an accepted `chat.postMessage` for `channel`. */
  countAccepted(channel: string): void {
    this.accepted.set(channel, (this.accepted.get(channel) ?? 0) + 1);
  }

  // ---------------------------------------------------------------- ephemerals

  postEphemeral(
    channel: string,
    user: string,
    content: MessageContent,
    source: StoredEphemeral["source"],
    responseUrlId?: string,
  ): StoredEphemeral {
    const ephemeral: StoredEphemeral = {
      channel,
      user,
      ts: this.tsf.next(),
      text: content.text ?? "",
      source,
      postedAt: this.clock(),
      deleted: false,
      versions: [],
    };
    const blocks = normalizeBlocks(content.blocks, this.ids);
    if (blocks) ephemeral.blocks = blocks;
    if (Array.isArray(content.attachments)) ephemeral.attachments = content.attachments as JsonObject[];
    if (responseUrlId) ephemeral.responseUrlId = responseUrlId;
    this.ephemerals.push(ephemeral);
    this.record({ type: "ephemeral_posted", ephemeral });
    return ephemeral;
  }

  findEphemeral(channel: string, ts: string): StoredEphemeral | undefined {
    return this.ephemerals.find((e) => e.channel === channel && e.ts === ts);
  }

  // ---------------------------------------------------------------- triggers

  issueTrigger(user: string, deliveryId: string): string {
    const id = this.ids.triggerId(this.clock());
    this.triggers.set(id, { id, user, issuedAt: this.clock(), used: false, deliveryId });
    return id;
  }

  /**
   * Exchanges a trigger_id (single use, expires after `triggerTtlMs`). Records a violation and
   * returns the Slack error on failure.
   */
  consumeTrigger(id: string | undefined, method: string): { user: string } | { error: string } {
    const trigger = id ? this.triggers.get(id) : undefined;
    if (!trigger) {
      this.violate("trigger_invalid", `${method}: unknown trigger_id ${JSON.stringify(id)}`, { method });
      return { error: "invalid_trigger_id" };
    }
    if (trigger.used) {
      this.violate("trigger_reused", `${method}: trigger_id was already exchanged`, {
        method,
        triggerId: id,
      });
      return { error: "exchanged_trigger_id" };
    }
    const age = this.clock() - trigger.issuedAt;
    if (age > this.settings.triggerTtlMs) {
      this.violate("trigger_expired", `${method}: trigger_id used ${age}ms after issue`, {
        method,
        triggerId: id,
        ageMs: age,
      });
      return { error: "expired_trigger_id" };
    }
    trigger.used = true;
    return { user: trigger.user };
  }

  // ---------------------------------------------------------------- views

  findView(id: string | undefined, externalId?: string): StoredView | undefined {
    if (id) return this.views.find((v) => v.id === id);
    if (externalId) return this.views.find((v) => v.externalId === externalId && v.status !== "closed");
    return undefined;
  }

  /** The user's open modal stack, bottom first. */
  modalStack(user: string): StoredView[] {
    return (this.modalStacks.get(user) ?? [])
      .map((id) => this.findView(id))
      .filter((v): v is StoredView => !!v);
  }

  /** The view object Slack echoes back (ids, hash, defaults and state filled in). */
  private buildView(
    input: JsonObject,
    meta: {
      id: string;
      hash: string;
      rootViewId: string | null;
      previousViewId: string | null;
      previousState?: Record<string, Record<string, JsonObject>>;
    },
  ): JsonObject {
    const blocks = normalizeBlocks(input.blocks, this.ids) ?? [];
    const view: JsonObject = {
      id: meta.id,
      team_id: this.identity.team.id,
      type: input.type,
      blocks,
      private_metadata: str(input.private_metadata) ?? "",
      callback_id: str(input.callback_id) ?? "",
      state: { values: initialState(blocks, meta.previousState) },
      hash: meta.hash,
      title: input.title,
      clear_on_close: truthy(input.clear_on_close),
      notify_on_close: truthy(input.notify_on_close),
      close: input.close ?? null,
      submit: input.submit ?? null,
      previous_view_id: meta.previousViewId,
      root_view_id: meta.rootViewId,
      app_id: this.identity.appId,
      external_id: str(input.external_id) ?? "",
      app_installed_team_id: this.identity.team.id,
      bot_id: this.identity.botId,
    };
    if (input.type === "home") {
      delete view.title;
      delete view.close;
      delete view.submit;
      delete view.clear_on_close;
      delete view.notify_on_close;
    }
    return view;
  }

  private newHash(): string {
    return `${Math.floor(this.clock() / 1000)}.${this.ids.slackId("", 8)}`;
  }

  /** Opens a new root modal for `user` (closing any modal stack already open). */
  openModal(user: string, input: JsonObject, openedBy: string): StoredView {
    for (const view of this.modalStack(user)) this.closeViewRecord(view);
    const id = this.ids.slackId("V");
    const stored = this.storeView(user, input, id, id, null, openedBy);
    this.modalStacks.set(user, [id]);
    this.record({ type: "view_opened", view: stored });
    return stored;
  }

  /** Pushes a modal onto the user's stack (the caller enforces the stack limit). */
  pushModal(user: string, input: JsonObject, openedBy: string): StoredView {
    const stack = this.modalStacks.get(user) ?? [];
    const root = stack[0] ?? null;
    const previous = stack[stack.length - 1] ?? null;
    const id = this.ids.slackId("V");
    const stored = this.storeView(user, input, id, root ?? id, previous, openedBy);
    stack.push(id);
    this.modalStacks.set(user, stack);
    this.record({ type: "view_pushed", view: stored });
    return stored;
  }

  private storeView(
    user: string,
    input: JsonObject,
    id: string,
    rootViewId: string | null,
    previousViewId: string | null,
    openedBy: string,
  ): StoredView {
    const hash = this.newHash();
    const view = this.buildView(input, { id, hash, rootViewId, previousViewId });
    const now = this.clock();
    const stored: StoredView = {
      id,
      type: input.type === "home" ? "home" : "modal",
      user,
      view,
      hash,
      status: input.type === "home" ? "published" : "open",
      openedAt: now,
      updatedAt: now,
      updates: 0,
      openedBy,
    };
    if (typeof view.external_id === "string" && view.external_id) stored.externalId = view.external_id;
    if (typeof view.callback_id === "string" && view.callback_id) stored.callbackId = view.callback_id;
    if (rootViewId) stored.rootViewId = rootViewId;
    if (previousViewId) stored.previousViewId = previousViewId;
    this.views.push(stored);
    return stored;
  }

  /** Replaces a view's content (same id, new hash; input state kept where block/action ids match). */
  updateView(stored: StoredView, input: JsonObject): StoredView {
    const previousState = isRecord(stored.view.state)
      ? (stored.view.state.values as Record<string, Record<string, JsonObject>>)
      : undefined;
    stored.hash = this.newHash();
    stored.view = this.buildView(input, {
      id: stored.id,
      hash: stored.hash,
      rootViewId: stored.rootViewId ?? null,
      previousViewId: stored.previousViewId ?? null,
      previousState,
    });
    stored.externalId =
      typeof stored.view.external_id === "string" && stored.view.external_id
        ? stored.view.external_id
        : undefined;
    stored.callbackId =
      typeof stored.view.callback_id === "string" && stored.view.callback_id
        ? stored.view.callback_id
        : undefined;
    stored.updatedAt = this.clock();
    stored.updates += 1;
    this.record({ type: stored.type === "home" ? "home_published" : "view_updated", view: stored });
    return stored;
  }

  /** Publishes (or republishes) the user's App Home. */
  publishHome(user: string, input: JsonObject): StoredView {
    const existing = this.findView(this.homeViews.get(user));
    if (existing) return this.updateView(existing, input);
    const id = this.ids.slackId("V");
    const stored = this.storeView(user, input, id, null, null, "views.publish");
    this.homeViews.set(user, id);
    this.record({ type: "home_published", view: stored });
    return stored;
  }

  private closeViewRecord(view: StoredView): void {
    if (view.status === "closed") return;
    view.status = "closed";
    view.closedAt = this.clock();
    this.record({ type: "view_closed", view });
  }

  /** Closes `view` and everything above it in its stack; `all` closes the whole stack. */
  closeModal(view: StoredView, all = false): void {
    const stack = this.modalStacks.get(view.user) ?? [];
    const index = all ? 0 : stack.indexOf(view.id);
    if (index < 0) {
      this.closeViewRecord(view);
      return;
    }
    const removed = stack.splice(index);
    for (const id of removed.reverse()) {
      const record = this.findView(id);
      if (record) this.closeViewRecord(record);
    }
    if (stack.length === 0) this.modalStacks.delete(view.user);
  }

  // ---------------------------------------------------------------- files

  /** Slack's `file` object. */
  fileObject(file: StoredFile): JsonObject {
    const ext = file.filename.includes(".") ? file.filename.split(".").pop()!.toLowerCase() : "binary";
    return {
      id: file.id,
      created: Math.floor(file.createdAt / 1000),
      timestamp: Math.floor(file.createdAt / 1000),
      name: file.filename,
      title: file.title ?? file.filename,
      mimetype: file.mimetype ?? "application/octet-stream",
      filetype: ext,
      user: this.identity.botUserId,
      size: file.size,
      url_private: `https://files.slack.com/files-pri/${this.identity.team.id}-${file.id}/${file.filename}`,
      permalink: `https://${this.identity.team.domain}.slack.com/files/${this.identity.botUserId}/${file.id}/${file.filename}`,
      channels: file.channels.filter((c) => c.startsWith("C")),
      groups: file.channels.filter((c) => c.startsWith("G")),
      ims: file.channels.filter((c) => c.startsWith("D")),
      ...(file.altText ? { alt_txt: file.altText } : {}),
    };
  }

  /** File summary without bytes (for activity and dumps). */
  fileSummary(file: StoredFile): Omit<StoredFile, "bytes"> {
    const { bytes: _bytes, ...rest } = file;
    return rest;
  }

  // ---------------------------------------------------------------- response_url

  issueResponseUrl(user: string, channel: string, original?: MessageRef): ResponseUrlRecord {
    const id = this.ids.token(24);
    const record: ResponseUrlRecord = {
      id,
      url: `${this.responseBaseUrl()}/response/${id}`,
      user,
      channel,
      createdAt: this.clock(),
      posts: 0,
    };
    if (original) record.original = original;
    this.responseUrls.set(id, record);
    return record;
  }

  private recordPost(post: Omit<ResponseUrlPost, "seq">): ResponseUrlPost {
    const entry: ResponseUrlPost = { seq: this.nextSeq(), ...clone(post) };
    this.responses.push(entry);
    this.record({ type: "response_url_post", post: entry });
    return entry;
  }

  /**
   * Applies a message sent to a response_url (or carried by a slash command's ack): posts an
   * ephemeral (default) or in-channel message, or replaces/deletes the original.
   */
  applyResponse(record: ResponseUrlRecord, body: JsonObject, source: "response_url" | "ack"): ApiResult {
    const content: MessageContent = {
      text: str(body.text),
      blocks: body.blocks,
      attachments: body.attachments,
    };
    const target = record.original ?? record.lastPosted;
    const base = {
      responseUrlId: record.id,
      url: record.url,
      user: record.user,
      channel: record.channel,
      at: this.clock(),
      body,
    };
    if (truthy(body.delete_original)) {
      const deleted = target ? this.deleteRef(target) : false;
      this.recordPost({
        ...base,
        status: 200,
        ok: true,
        effect: deleted ? "deleted" : "noop",
        ts: target?.ts,
      });
      return { ok: true };
    }
    const invalid = this.checkMessageContent(content, source === "ack" ? "command ack" : "response_url");
    if (invalid) {
      this.recordPost({ ...base, status: 400, ok: false, error: String(invalid.error), effect: "refused" });
      return invalid;
    }
    if (truthy(body.replace_original) && target) {
      const replaced = this.replaceRef(target, content, record.id);
      if (replaced) {
        this.recordPost({ ...base, status: 200, ok: true, effect: "replaced", ts: target.ts });
        return { ok: true };
      }
    }
    if (body.response_type === "in_channel") {
      const channel = this.resolveChannel(record.channel);
      const message = this.postMessage(
        channel?.id ?? record.channel,
        { ...content, threadTs: str(body.thread_ts) },
        source,
      );
      record.lastPosted = { channel: message.channel, ts: message.ts, ephemeral: false };
      this.recordPost({ ...base, status: 200, ok: true, effect: "posted_in_channel", ts: message.ts });
      return { ok: true };
    }
    const ephemeral = this.postEphemeral(record.channel, record.user, content, source, record.id);
    record.lastPosted = { channel: ephemeral.channel, ts: ephemeral.ts, ephemeral: true };
    this.recordPost({ ...base, status: 200, ok: true, effect: "posted_ephemeral", ts: ephemeral.ts });
    return { ok: true };
  }

  /** Handles a POST to a response_url, enforcing the 5-posts / 30-minutes rule. */
  handleResponsePost(id: string, body: JsonObject): { status: number; body: ApiResult } {
    const record = this.responseUrls.get(id);
    const at = this.clock();
    if (!record) {
      return { status: 404, body: fail("invalid_url") };
    }
    const base = { responseUrlId: id, url: record.url, user: record.user, channel: record.channel, at, body };
    const age = at - record.createdAt;
    if (age > this.settings.responseUrlTtlMs) {
      this.violate("response_url_expired", `response_url used ${Math.round(age / 1000)}s after issue`, {
        id,
      });
      this.recordPost({ ...base, status: 404, ok: false, error: "expired_url", effect: "refused" });
      return { status: 404, body: fail("expired_url") };
    }
    if (record.posts >= this.settings.responseUrlMaxPosts) {
      this.violate(
        "response_url_limit",
        `response_url posted more than ${this.settings.responseUrlMaxPosts} times`,
        { id, posts: record.posts + 1 },
      );
      this.recordPost({ ...base, status: 404, ok: false, error: "used_url", effect: "refused" });
      return { status: 404, body: fail("used_url") };
    }
    const result = this.applyResponse(record, body, "response_url");
    if (!result.ok) return { status: 400, body: result };
    record.posts += 1;
    return { status: 200, body: { ok: true } };
  }

  private deleteRef(ref: MessageRef): boolean {
    if (ref.ephemeral) {
      const ephemeral = this.findEphemeral(ref.channel, ref.ts);
      if (!ephemeral || ephemeral.deleted) return false;
      ephemeral.deleted = true;
      this.record({ type: "ephemeral_deleted", ephemeral });
      return true;
    }
    const message = this.findMessage(ref.channel, ref.ts);
    if (!message || message.deleted) return false;
    this.deleteMessage(message);
    return true;
  }

  private replaceRef(ref: MessageRef, content: MessageContent, responseUrlId: string): boolean {
    if (ref.ephemeral) {
      const ephemeral = this.findEphemeral(ref.channel, ref.ts);
      if (!ephemeral || ephemeral.deleted) return false;
      ephemeral.versions.push({
        text: ephemeral.text,
        ...(ephemeral.blocks ? { blocks: ephemeral.blocks } : {}),
        at: ephemeral.replacedAt ?? ephemeral.postedAt,
      });
      ephemeral.text = content.text ?? "";
      ephemeral.blocks = normalizeBlocks(content.blocks, this.ids);
      ephemeral.attachments = Array.isArray(content.attachments)
        ? (content.attachments as JsonObject[])
        : undefined;
      ephemeral.replacedAt = this.clock();
      ephemeral.responseUrlId = responseUrlId;
      this.record({ type: "ephemeral_replaced", ephemeral });
      return true;
    }
    const message = this.findMessage(ref.channel, ref.ts);
    if (!message || message.deleted) return false;
    // A response_url replacement swaps the whole message: omitted blocks are removed.
    this.updateMessage(message, {
      text: content.text ?? "",
      blocks: content.blocks ?? [],
      attachments: content.attachments ?? [],
    });
    return true;
  }
}

/** The modal stack limit (root + 2 pushes). */
export const MODAL_STACK_LIMIT = LIMITS.modalStack;
