/**
 * The playground's web server (node:http): the static page, a JSON API through which the page acts as
 * a Slack client (every action becomes a FakeSlack delivery: a signed request to the real Bolt app), a
 * Server-Sent Events stream of what changed, the uploaded files, and the clock control.
 *
 * API (JSON bodies; `user` is the Slack id of the person the page plays):
 *   GET  /api/status                      starting | ready | failed, with the current step
 *   GET  /api/events                      SSE: status, activity (what changed where), clock, violation
 *   GET  /api/bootstrap                   people with roles, channels, commands, bot, clock
 *   GET  /api/state?user=&channel=        messages + that user's ephemerals in a conversation, the
 *                                         user's App Home and open modals, files referenced
 *   POST /api/command   {user, channel, text}            "/log …" → slash command; other text → message
 *   POST /api/action    {user, actionId, blockId?, value?, viewId?, message?, values?}   block_actions
 *   POST /api/options   {user, actionId, blockId?, value, viewId?, message?}           block_suggestion
 *   POST /api/submit    {user, viewId, values}           view_submission → {responseAction, errors}
 *   POST /api/close     {user, viewId}                   the modal's Close / ×
 *   POST /api/home      {user}                           app_home_opened
 *   POST /api/clock     {month, day, time?} | {at} | {reset: true}   jump the playground's clock
 *   GET  /files/<id>[?download=1]         an uploaded file's bytes
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { Database } from "../db/client.js";
import type { Activity, FakeSlack, JsonObject, StoredView } from "../emulator/index.js";
import type { SlackApp } from "../slack/app.js";
import type { Logger } from "../slack/logger.js";
import { currentMonth } from "../util/time.js";
import { type PlaygroundClock, zonedInstant } from "./clock.js";
import {
  type CommandHint,
  escapeMentions,
  fakeUserOf,
  loadCommandHints,
  loadPeople,
  type PersonCard,
} from "./directory.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const STATIC_DIR = path.resolve(HERE, "static");
/** The Chinese font the chart uses too (an npm package, so the page needs no network and no system font). */
const CJK_FONT = path.resolve(
  HERE,
  "../../node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
);
const STATIC_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

export interface PlaygroundRuntime {
  db: Database;
  slack: FakeSlack;
  app: SlackApp;
  clock: PlaygroundClock;
  people: PersonCard[];
  timeZone: string;
}

/** Called after a clock jump (the scheduler's "run what is due now"); returns a summary for the page. */
export type ClockJumpHook = (at: Date, runtime: PlaygroundRuntime) => Promise<unknown>;

type Status = { state: "starting" | "ready" | "failed"; step?: string | undefined };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/);
const target = {
  viewId: z.string().optional(),
  message: z.object({ channel: z.string(), ts: z.string() }).optional(),
  blockId: z.string().optional(),
};
const CommandBody = z.object({ user: userId, channel: z.string().min(1), text: z.string().max(4000) });
const ActionBody = z.object({
  user: userId,
  actionId: z.string().min(1),
  value: z.unknown().optional(),
  values: z.record(z.string(), z.unknown()).optional(),
  ...target,
});
const OptionsBody = z.object({ user: userId, actionId: z.string().min(1), value: z.string(), ...target });
const SubmitBody = z.object({
  user: userId,
  viewId: z.string().min(1),
  values: z.record(z.string(), z.unknown()).default({}),
});
const CloseBody = z.object({ user: userId, viewId: z.string().min(1) });
const HomeBody = z.object({ user: userId });
const ClockBody = z.union([
  z.object({
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    day: z.number().int().min(1).max(31),
    time: z.string().default("09:00"),
  }),
  z.object({ at: z.string().min(1) }),
  z.object({ reset: z.literal(true) }),
]);

export class PlaygroundServer {
  runtime: PlaygroundRuntime | undefined;
  /** set by whoever owns the scheduler: runs the jobs due at the new time */
  onClockJump: ClockJumpHook | undefined;

  private readonly server: Server;
  private readonly streams = new Set<ServerResponse>();
  private status: Status = { state: "starting", step: "starting" };
  private readonly commands: CommandHint[] = loadCommandHints();
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(private readonly opts: { clock: PlaygroundClock; logger: Logger; timeZone: string }) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.fail(res, error));
    });
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.keepAlive = setInterval(() => {
      for (const s of this.streams) s.write(": keep-alive\n\n");
    }, 15_000);
    this.keepAlive.unref();
    return (this.server.address() as AddressInfo).port;
  }

  setStatus(state: Status["state"], step: string | undefined): void {
    this.status = { state, step };
    this.broadcast("status", this.status);
  }

  attach(runtime: PlaygroundRuntime): void {
    this.runtime = runtime;
    runtime.slack.on("activity", (a) => {
      const summary = summarize(a);
      if (summary) this.broadcast("activity", summary);
    });
  }

  /** Ends the SSE streams (so the server can close). */
  closeStreams(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    for (const s of this.streams) s.end();
    this.streams.clear();
  }

  async close(): Promise<void> {
    this.closeStreams();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private broadcast(event: string, data: unknown): void {
    const chunk = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const s of this.streams) s.write(chunk);
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (error instanceof HttpError) {
      json(res, error.status, { ok: false, error: error.message });
      return;
    }
    if (error instanceof z.ZodError) {
      json(res, 400, {
        ok: false,
        error: error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
      });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    // FakeSlack refuses what Slack would not let a person do (an element that is gone, a closed modal)
    if (message.startsWith("FakeSlack")) {
      json(res, 409, { ok: false, error: message.split("\n")[0] });
      return;
    }
    this.opts.logger.error({ err: error }, "playground request failed");
    json(res, 500, { ok: false, error: message });
  }

  private ready(): PlaygroundRuntime {
    if (!this.runtime) throw new HttpError(503, `not ready: ${this.status.step ?? this.status.state}`);
    return this.runtime;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const p = url.pathname;
    if (method === "GET") {
      if (p === "/" || p === "/index.html") return this.serveStatic(res, "index.html");
      if (p === "/static/fonts/NotoSansSC.ttf")
        return this.serveFile(res, CJK_FONT, "font/ttf", "max-age=86400");
      if (p.startsWith("/static/")) return this.serveStatic(res, p.slice("/static/".length));
      if (p === "/api/status") return json(res, 200, this.status);
      if (p === "/api/events") return this.events(req, res);
      if (p === "/api/bootstrap") return json(res, 200, await this.bootstrap());
      if (p === "/api/state") return json(res, 200, this.state(url));
      if (p.startsWith("/files/")) return this.file(res, p.slice("/files/".length), url);
      if (p === "/favicon.ico") return void res.writeHead(204).end();
    }
    if (method === "POST" && p.startsWith("/api/")) {
      const body = await readJson(req);
      switch (p) {
        case "/api/command":
          return json(res, 200, await this.command(CommandBody.parse(body)));
        case "/api/action":
          return json(res, 200, await this.action(ActionBody.parse(body)));
        case "/api/options":
          return json(res, 200, await this.options(OptionsBody.parse(body)));
        case "/api/submit":
          return json(res, 200, await this.submit(SubmitBody.parse(body)));
        case "/api/close":
          return json(res, 200, await this.closeView(CloseBody.parse(body)));
        case "/api/home":
          return json(res, 200, await this.home(HomeBody.parse(body)));
        case "/api/clock":
          return json(res, 200, await this.jump(ClockBody.parse(body)));
      }
    }
    json(res, 404, { ok: false, error: `no route ${method} ${p}` });
  }

  private async serveStatic(res: ServerResponse, name: string): Promise<void> {
    const file = path.resolve(STATIC_DIR, name);
    if (!file.startsWith(STATIC_DIR + path.sep)) throw new HttpError(404, "not found");
    return this.serveFile(res, file, STATIC_TYPES[path.extname(file)] ?? "application/octet-stream");
  }

  private async serveFile(
    res: ServerResponse,
    file: string,
    type: string,
    cache = "no-cache",
  ): Promise<void> {
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      throw new HttpError(404, `not found: ${path.basename(file)}`);
    }
    res.writeHead(200, { "content-type": type, "cache-control": cache });
    res.end(data);
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.write(`retry: 1000\nevent: status\ndata: ${JSON.stringify(this.status)}\n\n`);
    this.streams.add(res);
    req.on("close", () => this.streams.delete(res));
  }

  private clockInfo() {
    const rt = this.runtime;
    const now = this.opts.clock.now();
    return {
      now,
      iso: new Date(now).toISOString(),
      timeZone: rt?.timeZone ?? this.opts.timeZone,
      shifted: this.opts.clock.shifted,
      month: currentMonth(rt?.timeZone ?? this.opts.timeZone, new Date(now)),
    };
  }

  private async bootstrap() {
    const rt = this.ready();
    // people added since start-up (admin CLI imports) become Slack users too
    rt.people = await loadPeople(rt.db.prisma);
    for (const p of rt.people) if (!rt.slack.state.users.has(p.id)) rt.slack.addUser(fakeUserOf(p));
    const settings = await rt.app.ctx.settings.get();
    const channels = [...rt.slack.state.channels.values()]
      .filter((c) => !c.isIm)
      .map((c) => ({
        id: c.id,
        name: c.name,
        role:
          c.id === settings.resultsChannel
            ? "results"
            : c.id === settings.reviewChannel
              ? "review"
              : undefined,
      }));
    return {
      people: rt.people.map((p) => ({ ...p, handle: fakeUserOf(p).name })),
      channels,
      bot: { id: rt.slack.botUserId, name: rt.slack.state.identity.botName },
      team: rt.slack.team,
      commands: this.commands,
      clock: this.clockInfo(),
    };
  }

  private state(url: URL) {
    const rt = this.ready();
    const user = userId.parse(url.searchParams.get("user"));
    const ref = url.searchParams.get("channel") ?? user;
    const channel =
      rt.slack.state.resolveChannel(ref, false)?.id ?? (ref === user ? rt.slack.dmId(user) : ref);
    const messages = rt.slack.messages(channel);
    const ephemerals = rt.slack.ephemerals(user).filter((e) => e.channel === channel);
    const fileIds = new Set(messages.flatMap((m) => m.files ?? []));
    const files = rt.slack.files
      .filter((f) => fileIds.has(f.id) && f.completed)
      .map((f) => ({
        id: f.id,
        name: f.filename,
        title: f.title ?? f.filename,
        mimetype: f.mimetype ?? mimeOf(f.filename),
        size: f.size,
        url: `/files/${f.id}`,
      }));
    return {
      channel,
      messages,
      ephemerals,
      files,
      home: rt.slack.home(user) ?? null,
      modals: rt.slack.viewStack(user),
      clock: this.clockInfo(),
    };
  }

  private async command(body: z.infer<typeof CommandBody>) {
    const rt = this.ready();
    const text = body.text.trim();
    if (!text) throw new HttpError(400, "empty message");
    const m = /^(\/[^\s]+)\s*([\s\S]*)$/.exec(text);
    const users = rt.slack.state.users.values();
    if (!m) {
      const r = await rt.slack.userMessage({
        user: body.user,
        channel: body.channel,
        text: escapeMentions(text, users),
      });
      return delivered(r);
    }
    const command = m[1]!;
    const hint = this.commands.find((c) => c.command === command);
    if (!hint) {
      return {
        ok: false,
        error: `${command} is not a valid command. In Slack, all messages that start with "/" are interpreted as commands.`,
      };
    }
    const r = await rt.slack.slashCommand({
      user: body.user,
      channel: body.channel,
      command,
      text: hint.escape ? escapeMentions(m[2] ?? "", users) : (m[2] ?? ""),
    });
    return delivered(r);
  }

  private async action(body: z.infer<typeof ActionBody>) {
    const rt = this.ready();
    if (body.viewId && body.values && Object.keys(body.values).length > 0)
      rt.slack.setViewValues(body.viewId, body.values);
    const r = await rt.slack.interact({
      user: body.user,
      actionId: body.actionId,
      ...(body.blockId ? { blockId: body.blockId } : {}),
      ...(body.viewId ? { viewId: body.viewId } : {}),
      ...(body.message ? { message: body.message } : {}),
      ...(body.value !== undefined && body.value !== null ? { value: body.value as never } : {}),
    });
    return delivered(r);
  }

  private async options(body: z.infer<typeof OptionsBody>) {
    const rt = this.ready();
    const r = await rt.slack.optionsRequest({
      user: body.user,
      actionId: body.actionId,
      value: body.value,
      ...(body.blockId ? { blockId: body.blockId } : {}),
      ...(body.viewId ? { viewId: body.viewId } : {}),
      ...(body.message ? { message: body.message } : {}),
    });
    return { ...delivered(r), options: r.options, option_groups: r.optionGroups ?? null };
  }

  private async submit(body: z.infer<typeof SubmitBody>) {
    const rt = this.ready();
    const r = await rt.slack.submitView({ user: body.user, viewId: body.viewId, values: body.values });
    return { ...delivered(r), responseAction: r.responseAction ?? null, errors: r.errors ?? null };
  }

  private async closeView(body: z.infer<typeof CloseBody>) {
    const rt = this.ready();
    const r = await rt.slack.closeView({ user: body.user, viewId: body.viewId });
    return r ? delivered(r) : { ok: true, acked: true };
  }

  private async home(body: z.infer<typeof HomeBody>) {
    const rt = this.ready();
    return delivered(await rt.slack.openHome(body.user));
  }

  private async jump(body: z.infer<typeof ClockBody>) {
    const rt = this.ready();
    const clock = this.opts.clock;
    if ("reset" in body) clock.reset();
    else if ("at" in body) {
      const at = Date.parse(body.at);
      if (!Number.isFinite(at)) throw new HttpError(400, `not an instant: ${body.at}`);
      clock.set(at);
    } else {
      try {
        clock.set(zonedInstant(body.month, body.day, body.time, rt.timeZone));
      } catch (e) {
        throw new HttpError(400, e instanceof Error ? e.message : String(e));
      }
    }
    const info = this.clockInfo();
    this.broadcast("clock", info);
    this.opts.logger.info({ now: info.iso, shifted: info.shifted }, "playground clock set");
    let jobs: unknown = null;
    if (this.onClockJump) {
      try {
        jobs = await this.onClockJump(new Date(info.now), rt);
      } catch (error) {
        this.opts.logger.error({ err: error }, "scheduled jobs failed after a clock jump");
        jobs = { error: error instanceof Error ? error.message : String(error) };
      }
    }
    return { ok: true, clock: info, jobs };
  }

  private file(res: ServerResponse, id: string, url: URL): void {
    const rt = this.ready();
    const file = rt.slack.files.find((f) => f.id === decodeURIComponent(id) && f.uploaded);
    if (!file) throw new HttpError(404, "file not found");
    const download = url.searchParams.has("download");
    res.writeHead(200, {
      "content-type":
        file.mimetype && file.mimetype !== "application/octet-stream" ? file.mimetype : mimeOf(file.filename),
      "content-length": file.bytes.length,
      "content-disposition": `${download ? "attachment" : "inline"}; filename*=UTF-8''${encodeURIComponent(file.filename)}`,
    });
    res.end(file.bytes);
  }
}

/** What the page needs from a delivery: was it acknowledged in time, and the error if not. */
function delivered(r: {
  acked: boolean;
  late: boolean;
  status: number;
  error?: string | undefined;
  kind: string;
}) {
  const ok = r.acked && !r.late;
  return {
    ok,
    acked: r.acked,
    late: r.late,
    status: r.status,
    ...(ok
      ? {}
      : {
          error: r.late
            ? "the app did not answer within 3 seconds"
            : (r.error ?? `the app answered HTTP ${r.status}`),
        }),
  };
}

/** The part of an activity the page needs to know what to refresh. */
function summarize(a: Activity): JsonObject | undefined {
  switch (a.type) {
    case "message_posted":
    case "message_updated":
    case "message_deleted":
      return { type: a.type, seq: a.seq, channel: a.message.channel, ts: a.message.ts };
    case "ephemeral_posted":
    case "ephemeral_replaced":
    case "ephemeral_deleted":
      return { type: a.type, seq: a.seq, channel: a.ephemeral.channel, user: a.ephemeral.user };
    case "view_opened":
    case "view_pushed":
    case "view_updated":
    case "view_closed":
    case "home_published":
      return { type: a.type, seq: a.seq, user: (a.view as StoredView).user, viewId: a.view.id };
    case "file_uploaded":
      return { type: a.type, seq: a.seq, channels: a.file.channels };
    case "violation":
      return { type: a.type, seq: a.seq, rule: a.violation.rule, message: a.violation.message };
    default:
      return undefined;
  }
}

function mimeOf(name: string): string {
  const ext = path.extname(name).toLowerCase();
  return (
    {
      ".png": "image/png",
      ".jpg": "image/jpeg",
      ".jpeg": "image/jpeg",
      ".gif": "image/gif",
      ".svg": "image/svg+xml",
      ".csv": "text/csv; charset=utf-8",
      ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      ".pdf": "application/pdf",
      ".txt": "text/plain; charset=utf-8",
    }[ext] ?? "application/octet-stream"
  );
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(data);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 1_000_000) throw new HttpError(413, "request too large");
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks).toString("utf8");
  if (!raw.trim()) return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, "the body is not JSON");
  }
}
