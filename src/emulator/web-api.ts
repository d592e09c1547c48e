/**
 * Fake Web API methods. Each handler receives decoded arguments and returns the JSON body Slack would
 * return (`{ ok: true, ... }` or `{ ok: false, error }`), mutating the {@link Workspace}.
 */
import { formatIssue, validateView, viewTooLarge } from "./blocks.js";
import type { JsonObject, StoredFile } from "./types.js";
import { int, isRecord, str, truthy } from "./util.js";
import { type ApiResult, fail, MODAL_STACK_LIMIT, type Workspace } from "./workspace.js";

/** Which token a method accepts. */
export type TokenKind = "bot" | "app" | "any" | "none";

/** Context handed to every method handler. */
export interface ApiContext {
  ws: Workspace;
  /** Issues a Socket Mode URL (`ws://…/socket?ticket=…`). */
  socketUrl: () => string;
  /** Base URL of the emulator (`http://127.0.0.1:<port>`). */
  baseUrl: () => string;
}

/** A fake Web API method. */
export interface MethodHandler {
  token: TokenKind;
  handle: (args: JsonObject, ctx: ApiContext) => ApiResult | Promise<ApiResult>;
}

/** `invalid_arguments` with Slack's `response_metadata.messages`. */
function invalidArguments(messages: string[]): ApiResult {
  return fail("invalid_arguments", { response_metadata: { messages: messages.map((m) => `[ERROR] ${m}`) } });
}

/** Validates a view argument; records an `invalid_blocks` violation when Slack would refuse it. */
function checkView(
  ws: Workspace,
  method: string,
  view: unknown,
  type?: "modal" | "home",
): ApiResult | undefined {
  if (!isRecord(view)) return invalidArguments(["missing required field: view"]);
  if (viewTooLarge(view)) return fail("view_too_large");
  const issues = validateView(view, type);
  if (issues.length === 0) return undefined;
  const messages = issues.map(formatIssue);
  ws.violate("invalid_blocks", `${method}: ${messages.join("; ")}`, { method, errors: messages });
  return invalidArguments(messages);
}

function content(args: JsonObject): { text?: string; blocks?: unknown; attachments?: unknown } {
  return { text: str(args.text), blocks: args.blocks, attachments: args.attachments };
}

function hasContent(args: JsonObject): boolean {
  const text = str(args.text);
  return (
    (text !== undefined && text !== "") ||
    (Array.isArray(args.blocks) && args.blocks.length > 0) ||
    (Array.isArray(args.attachments) && args.attachments.length > 0)
  );
}

const POST_EXTRAS = [
  "username",
  "icon_emoji",
  "icon_url",
  "unfurl_links",
  "unfurl_media",
  "mrkdwn",
  "reply_broadcast",
  "link_names",
  "parse",
];

function encodeCursor(index: number): string {
  return Buffer.from(`user:${index}`).toString("base64");
}

function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return 0;
  const match = /^user:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  return match ? Number(match[1]) : undefined;
}

/** Builds the method table. */
export function createMethods(): Record<string, MethodHandler> {
  const methods: Record<string, MethodHandler> = {};
  const define = (name: string, token: TokenKind, handle: MethodHandler["handle"]): void => {
    methods[name] = { token, handle };
  };

  define("api.test", "none", (args) => ({ ok: true, args }));

  define("auth.test", "any", (_args, { ws }) => ({
    ok: true,
    url: `https://${ws.identity.team.domain}.slack.com/`,
    team: ws.identity.team.name,
    user: ws.identity.botName,
    team_id: ws.identity.team.id,
    user_id: ws.identity.botUserId,
    bot_id: ws.identity.botId,
    app_id: ws.identity.appId,
    is_enterprise_install: false,
  }));

  define("apps.connections.open", "app", (_args, { socketUrl }) => ({ ok: true, url: socketUrl() }));

  define("team.info", "bot", (_args, { ws }) => ({
    ok: true,
    team: {
      id: ws.identity.team.id,
      name: ws.identity.team.name,
      domain: ws.identity.team.domain,
      email_domain: "",
      icon: { image_default: true },
    },
  }));

  // ------------------------------------------------------------------ chat.*

  define("chat.postMessage", "bot", (args, { ws }) => {
    const channel = ws.resolveChannel(str(args.channel));
    if (!channel) return fail("channel_not_found");
    const refused = ws.postFailures.get(channel.id);
    if (refused) return fail(refused);
    if (!hasContent(args)) return fail("no_text");
    const invalid = ws.checkMessageContent(content(args), "chat.postMessage");
    if (invalid) return invalid;
    const extra: JsonObject = {};
    for (const key of POST_EXTRAS) if (args[key] !== undefined) extra[key] = args[key];
    const message = ws.postMessage(
      channel.id,
      {
        ...content(args),
        threadTs: str(args.thread_ts),
        metadata: isRecord(args.metadata) ? args.metadata : undefined,
        extra,
      },
      "chat.postMessage",
    );
    ws.countAccepted(channel.id);
    return { ok: true, channel: channel.id, ts: message.ts, message: ws.toApiMessage(message) };
  });

  define("chat.postEphemeral", "bot", (args, { ws }) => {
    const user = str(args.user);
    if (!user || !ws.users.has(user)) return fail("user_not_found");
    const channel = ws.resolveChannel(str(args.channel));
    if (!channel) return fail("channel_not_found");
    if (!hasContent(args)) return fail("no_text");
    const invalid = ws.checkMessageContent(content(args), "chat.postEphemeral");
    if (invalid) return invalid;
    const ephemeral = ws.postEphemeral(channel.id, user, content(args), "chat.postEphemeral");
    return { ok: true, message_ts: ephemeral.ts };
  });

  define("chat.update", "bot", (args, { ws }) => {
    const channel = ws.resolveChannel(str(args.channel), false);
    const ts = str(args.ts);
    if (!channel) return fail("channel_not_found");
    const message = ts ? ws.findMessage(channel.id, ts) : undefined;
    if (!message || message.deleted) return fail("message_not_found");
    if (message.user !== ws.identity.botUserId) return fail("cant_update_message");
    const invalid = ws.checkMessageContent(content(args), "chat.update");
    if (invalid) return invalid;
    ws.updateMessage(message, content(args));
    return {
      ok: true,
      channel: channel.id,
      ts: message.ts,
      text: message.text,
      message: ws.toApiMessage(message),
    };
  });

  define("chat.delete", "bot", (args, { ws }) => {
    const channel = ws.resolveChannel(str(args.channel), false);
    const ts = str(args.ts);
    if (!channel) return fail("channel_not_found");
    const message = ts ? ws.findMessage(channel.id, ts) : undefined;
    if (!message || message.deleted) return fail("message_not_found");
    if (message.user !== ws.identity.botUserId) return fail("cant_delete_message");
    ws.deleteMessage(message);
    return { ok: true, channel: channel.id, ts: message.ts };
  });

  define("chat.getPermalink", "bot", (args, { ws }) => {
    const channel = ws.resolveChannel(str(args.channel), false);
    const ts = str(args.message_ts);
    if (!channel) return fail("channel_not_found");
    if (!ts || !ws.findMessage(channel.id, ts)) return fail("message_not_found");
    return {
      ok: true,
      channel: channel.id,
      permalink: `https://${ws.identity.team.domain}.slack.com/archives/${channel.id}/p${ts.replace(".", "")}`,
    };
  });

  // ------------------------------------------------------------------ conversations.*

  define("conversations.open", "bot", (args, { ws }) => {
    const users = (str(args.users) ?? "")
      .split(",")
      .map((u) => u.trim())
      .filter(Boolean);
    const existing = str(args.channel);
    if (existing) {
      const channel = ws.resolveChannel(existing, false);
      return channel ? { ok: true, channel: { id: channel.id } } : fail("channel_not_found");
    }
    if (users.length === 0) return fail("users_list_not_supplied");
    for (const user of users) if (!ws.users.has(user)) return fail("user_not_found");
    if (users.length > 8) return fail("too_many_users");
    let id: string;
    if (users.length === 1) {
      id = ws.resolveChannel(users[0])!.id;
    } else {
      id = `G${[...users].sort().join("").slice(0, 9).toUpperCase()}`;
      if (!ws.channels.has(id)) {
        ws.addChannel({
          id,
          name: `mpdm-${users.join("--")}-1`,
          isPrivate: true,
          members: [...users, ws.identity.botUserId],
        });
      }
    }
    if (!truthy(args.return_im)) return { ok: true, channel: { id } };
    const channel = ws.channels.get(id)!;
    return {
      ok: true,
      channel: {
        id,
        created: 0,
        is_im: !!channel.isIm,
        is_org_shared: false,
        user: channel.user,
        is_user_deleted: false,
        priority: 0,
      },
    };
  });

  define("conversations.info", "bot", (args, { ws }) => {
    const channel = ws.resolveChannel(str(args.channel), false);
    if (!channel) return fail("channel_not_found");
    return {
      ok: true,
      channel: {
        id: channel.id,
        name: channel.name,
        is_channel: !channel.isIm && channel.id.startsWith("C"),
        is_group: channel.id.startsWith("G"),
        is_im: !!channel.isIm,
        is_private: !!channel.isPrivate || !!channel.isIm,
        is_archived: false,
        ...(channel.user ? { user: channel.user } : {}),
        ...(truthy(args.include_locale) ? { locale: "en-US" } : {}),
      },
    };
  });

  define("conversations.history", "bot", (args, { ws }) => {
    const channel = ws.resolveChannel(str(args.channel), false);
    if (!channel) return fail("channel_not_found");
    const limit = int(args.limit) || 100;
    const oldest = Number(str(args.oldest) ?? 0);
    const latest = Number(str(args.latest) ?? Number.POSITIVE_INFINITY);
    const all = ws
      .messages(channel.id)
      .filter((m) => !m.threadTs || m.threadTs === m.ts)
      .filter((m) => Number(m.ts) >= oldest && Number(m.ts) <= latest)
      .reverse();
    const start = Number(str(args.cursor) ?? 0) || 0;
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : "";
    return {
      ok: true,
      messages: page.map((m) => ws.toApiMessage(m)),
      has_more: next !== "",
      response_metadata: { next_cursor: next },
    };
  });

  define("conversations.replies", "bot", (args, { ws }) => {
    const channel = ws.resolveChannel(str(args.channel), false);
    const ts = str(args.ts);
    if (!channel) return fail("channel_not_found");
    const parent = ts ? ws.findMessage(channel.id, ts) : undefined;
    if (!parent || parent.deleted) return fail("thread_not_found");
    const replies = ws.messages(channel.id).filter((m) => m.threadTs === ts && m.ts !== ts);
    return { ok: true, messages: [parent, ...replies].map((m) => ws.toApiMessage(m)), has_more: false };
  });

  // ------------------------------------------------------------------ users.*

  define("users.info", "bot", (args, { ws }) => {
    const id = str(args.user);
    const user = id === ws.identity.botUserId ? ws.botUser() : id ? ws.users.get(id) : undefined;
    if (!user) return fail("user_not_found");
    return { ok: true, user: ws.userObject(user, truthy(args.include_locale)) };
  });

  define("users.lookupByEmail", "bot", (args, { ws }) => {
    const email = str(args.email)?.toLowerCase();
    const user = [...ws.users.values()].find((u) => u.email?.toLowerCase() === email);
    return user ? { ok: true, user: ws.userObject(user, false) } : fail("users_not_found");
  });

  define("users.list", "bot", (args, { ws }) => {
    const all = [ws.botUser(), ...ws.users.values()];
    const start = decodeCursor(str(args.cursor));
    if (start === undefined) return fail("invalid_cursor");
    const limit = int(args.limit) ?? 0;
    const end = limit > 0 ? start + limit : all.length;
    const page = all.slice(start, end);
    const includeLocale = truthy(args.include_locale);
    return {
      ok: true,
      members: page.map((u) => ws.userObject(u, includeLocale)),
      cache_ts: Math.floor(ws.clock() / 1000),
      response_metadata: { next_cursor: end < all.length ? encodeCursor(end) : "" },
    };
  });

  // ------------------------------------------------------------------ views.*

  define("views.open", "bot", (args, { ws }) => {
    const invalid = checkView(ws, "views.open", args.view, "modal");
    if (invalid) return invalid;
    const view = args.view as JsonObject;
    if (str(view.external_id) && ws.findView(undefined, str(view.external_id)))
      return fail("duplicate_external_id");
    const trigger = ws.consumeTrigger(str(args.trigger_id) ?? str(args.interactivity_pointer), "views.open");
    if ("error" in trigger) return fail(trigger.error);
    const stored = ws.openModal(trigger.user, view, "views.open");
    return { ok: true, view: stored.view };
  });

  define("views.push", "bot", (args, { ws }) => {
    const invalid = checkView(ws, "views.push", args.view, "modal");
    if (invalid) return invalid;
    const view = args.view as JsonObject;
    if (str(view.external_id) && ws.findView(undefined, str(view.external_id)))
      return fail("duplicate_external_id");
    const trigger = ws.consumeTrigger(str(args.trigger_id) ?? str(args.interactivity_pointer), "views.push");
    if ("error" in trigger) return fail(trigger.error);
    const stack = ws.modalStack(trigger.user);
    if (stack.length === 0) return fail("not_found");
    if (stack.length >= MODAL_STACK_LIMIT) {
      ws.violate("modal_stack_limit", `views.push: the modal stack already holds ${stack.length} views`, {
        user: trigger.user,
      });
      return fail("push_limit_reached");
    }
    const stored = ws.pushModal(trigger.user, view, "views.push");
    return { ok: true, view: stored.view };
  });

  define("views.update", "bot", (args, { ws }) => {
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    if (!viewId && !externalId) return invalidArguments(["missing required field: view_id or external_id"]);
    const stored = ws.findView(viewId, externalId);
    if (!stored || stored.status === "closed") return fail("not_found");
    const invalid = checkView(ws, "views.update", args.view, stored.type);
    if (invalid) return invalid;
    const hash = str(args.hash);
    if (hash && hash !== stored.hash) return fail("hash_conflict");
    ws.updateView(stored, args.view as JsonObject);
    return { ok: true, view: stored.view };
  });

  define("views.publish", "bot", (args, { ws }) => {
    const user = str(args.user_id);
    if (!user || !ws.users.has(user)) return fail("user_not_found");
    const invalid = checkView(ws, "views.publish", args.view, "home");
    if (invalid) return invalid;
    const existing = ws.findView(ws.homeViews.get(user));
    const hash = str(args.hash);
    if (hash && existing && hash !== existing.hash) return fail("hash_conflict");
    const stored = ws.publishHome(user, args.view as JsonObject);
    return { ok: true, view: stored.view };
  });

  // ------------------------------------------------------------------ files.*

  define("files.getUploadURLExternal", "bot", (args, { ws, baseUrl }) => {
    const filename = str(args.filename);
    const length = int(args.length);
    if (!filename) return invalidArguments(["missing required field: filename"]);
    if (length === undefined || length < 0) return invalidArguments(["missing required field: length"]);
    const file: StoredFile = {
      id: ws.ids.slackId("F"),
      filename,
      declaredLength: length,
      bytes: Buffer.alloc(0),
      size: 0,
      channels: [],
      uploaded: false,
      completed: false,
      createdAt: ws.clock(),
    };
    const altText = str(args.alt_text ?? args.alt_txt);
    if (altText) file.altText = altText;
    const snippet = str(args.snippet_type);
    if (snippet) file.snippetType = snippet;
    ws.files.push(file);
    return { ok: true, upload_url: `${baseUrl()}/upload/${file.id}`, file_id: file.id };
  });

  define("files.completeUploadExternal", "bot", (args, { ws }) => {
    const entries = Array.isArray(args.files) ? args.files.filter(isRecord) : [];
    if (entries.length === 0) return invalidArguments(["missing required field: files"]);
    const files: StoredFile[] = [];
    for (const entry of entries) {
      const file = ws.files.find((f) => f.id === str(entry.id));
      if (!file || file.completed) return fail("file_not_found");
      if (!file.uploaded) return fail("file_upload_not_found");
      files.push(file);
      const title = str(entry.title);
      if (title) file.title = title;
    }
    const channelRefs = [
      ...(str(args.channel_id) ? [str(args.channel_id)!] : []),
      ...(str(args.channels) ?? "")
        .split(",")
        .map((c) => c.trim())
        .filter(Boolean),
    ];
    const channels = [];
    for (const ref of channelRefs) {
      const channel = ws.resolveChannel(ref);
      if (!channel) return fail("channel_not_found");
      channels.push(channel.id);
    }
    const initialComment = str(args.initial_comment);
    const threadTs = str(args.thread_ts);
    for (const file of files) {
      file.completed = true;
      file.channels = channels;
      if (initialComment) file.initialComment = initialComment;
      if (threadTs) file.threadTs = threadTs;
    }
    for (const channel of channels) {
      const message = ws.postMessage(
        channel,
        { text: initialComment ?? "", threadTs, files: files.map((f) => f.id) },
        "file_share",
      );
      for (const file of files) file.messageTs ??= message.ts;
    }
    for (const file of files) ws.record({ type: "file_uploaded", file: ws.fileSummary(file) });
    return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? f.filename })) };
  });

  define("files.info", "bot", (args, { ws }) => {
    const file = ws.files.find((f) => f.id === str(args.file) && f.completed);
    return file ? { ok: true, file: ws.fileObject(file) } : fail("file_not_found");
  });

  return methods;
}
