/**
 * The playground's server without a browser: what the page calls (/api/*, SSE, /files) drives the real
 * Bolt app through the emulator, on a test database seeded with the demo organisation.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { escapeMentions, loadCommandHints } from "../../src/playground/directory.js";
import { PLAYGROUND_CHANNELS, type Playground, startPlayground } from "../../src/playground/index.js";
import { createTestDatabase } from "../helpers/db.js";

const STAFF = "U0DEMO05";
let pg: Playground;
let db: Awaited<ReturnType<typeof createTestDatabase>>;

beforeAll(async () => {
  db = await createTestDatabase();
  pg = await startPlayground({
    config: loadConfig({ LOG_LEVEL: "silent" }),
    logger: pino({ level: "silent" }),
    port: 0,
    database: db,
  });
  await pg.ready;
});

afterAll(async () => {
  await pg?.stop();
  await db?.close();
});

async function get<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${pg.url}${path.replace(/^\//, "")}`);
  return { status: res.status, body: (await res.json()) as T };
}

async function post<T = Record<string, unknown>>(path: string, body: unknown) {
  const res = await fetch(`${pg.url}${path.replace(/^\//, "")}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface State {
  messages: { text: string; files?: string[]; blocks?: unknown[] }[];
  ephemerals: { text: string; blocks?: unknown[] }[];
  files: { id: string; name: string; mimetype: string; url: string }[];
  modals: { id: string; view: { callback_id?: string; blocks: { block_id: string }[] } }[];
  home: { view: { blocks: unknown[] } } | null;
  clock: { iso: string; month: string };
}

const state = async (user = STAFF, channel = user) =>
  (await get<State>(`/api/state?user=${user}&channel=${channel}`)).body;

async function until<T>(f: () => Promise<T | undefined | false>, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("playground server", () => {
  it("serves the page and its scripts, and says it is ready", async () => {
    const page = await fetch(pg.url);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain('src="/static/app.js"');
    for (const f of ["app.js", "blocks.js", "app.css"]) {
      expect((await fetch(`${pg.url}static/${f}`)).status).toBe(200);
    }
    expect((await fetch(`${pg.url}static/../server.ts`)).status).toBe(404);
    expect((await get("/api/status")).body).toEqual({ state: "ready" });
  });

  it("lists the demo people with their roles, the channels and the commands", async () => {
    const { body } = await get<{
      people: { id: string; roles: string[] }[];
      channels: { id: string; role?: string }[];
      commands: { insert: string }[];
    }>("/api/bootstrap");
    expect(body.people).toHaveLength(14);
    expect(body.people.find((p) => p.id === "U0DEMO04")?.roles).toEqual([
      "STAFF",
      "SECTION_CHIEF",
      "ASSESSMENT_GROUP",
    ]);
    expect(body.channels).toContainEqual({
      id: PLAYGROUND_CHANNELS.results.id,
      name: "kpi-results",
      role: "results",
    });
    expect(body.commands.map((c) => c.insert)).toEqual(
      expect.arrayContaining(["/log ", "/log list", "/kpi "]),
    );
  });

  it("turns a typed command into a signed slash command and streams what changed", async () => {
    const controller = new AbortController();
    const res = await fetch(`${pg.url}api/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let seen = "";
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += new TextDecoder().decode(value);
      }
    })().catch(() => {});
    const r = await post("/api/command", { user: STAFF, channel: STAFF, text: "/log fpfs 2" });
    expect(r.body).toMatchObject({ ok: true, acked: true });
    const s = await until(async () => {
      const st = await state();
      return st.ephemerals.some((e) => e.text.includes("SV001")) && st;
    });
    expect(s.ephemerals.at(-1)?.text).toContain("× 2");
    await until(async () => seen.includes('"type":"ephemeral_posted"') && seen.includes(`"user":"${STAFF}"`));
    expect(seen).toContain("event: status");
    controller.abort();
    await reading;
  });

  it("opens the log form, answers the autocomplete, and shows the form's errors", async () => {
    await post("/api/command", { user: STAFF, channel: STAFF, text: "/log" });
    const modal = await until(async () => (await state()).modals.at(-1));
    expect(modal.view.callback_id).toBe("log_modal");
    const options = await post<{ options: { value: string; text: { text: string } }[] }>("/api/options", {
      user: STAFF,
      viewId: modal.id,
      actionId: "item_select",
      value: "fpfs",
    });
    expect(options.body.options[0]?.text.text).toContain("SV001");
    const refused = await post<{ responseAction: string; errors: Record<string, string> }>("/api/submit", {
      user: STAFF,
      viewId: modal.id,
      values: {},
    });
    expect(refused.body.responseAction).toBe("errors");
    expect(Object.keys(refused.body.errors)).toContain("item");
    // picking the item (dispatch_action) carries what was typed so far in view.state
    const picked = await post("/api/action", {
      user: STAFF,
      viewId: modal.id,
      blockId: "item",
      actionId: "item_select",
      value: { value: options.body.options[0]!.value, text: options.body.options[0]!.text.text },
      values: { count: { count_input: "5" } },
    });
    expect(picked.body.ok).toBe(true);
    const delivery = pg
      .runtime()!
      .slack.deliveries.filter((d) => d.kind === "block_actions")
      .at(-1)!;
    const sent = delivery.payload.view as {
      state: { values: Record<string, Record<string, { value?: string }>> };
    };
    expect(sent.state.values.count?.count_input?.value).toBe("5");
    const updated = await until(async () => {
      const m = (await state()).modals.at(-1);
      return m?.view.blocks.some((b) => b.block_id === "item_info") && m;
    });
    const saved = await post<{ ok: boolean; responseAction: string | null }>("/api/submit", {
      user: STAFF,
      viewId: updated.id,
      values: {},
    });
    expect(saved.body).toMatchObject({ ok: true, responseAction: null });
    await until(async () => (await state()).modals.length === 0);
    await until(async () => (await state()).ephemerals.some((e) => e.text.includes("× 5")));
  });

  it("refuses what Slack would not allow, with a message", async () => {
    expect((await post("/api/action", { user: STAFF, actionId: "no_such_button" })).status).toBe(409);
    expect((await post("/api/command", { user: "nobody", channel: "x", text: "/log" })).status).toBe(400);
    const unknown = await post("/api/command", { user: STAFF, channel: STAFF, text: "/nope" });
    expect(unknown.body.error).toContain("/nope is not a valid command");
  });

  it("jumps the clock to the 5th at 09:00 in the scheme's zone, and the bot follows it", async () => {
    const r = await post<{ clock: { iso: string; shifted: boolean }; jobs: { summary: string } }>(
      "/api/clock",
      { month: "2026-12", day: 5 },
    );
    expect(r.body.clock.iso.slice(0, 16)).toBe("2026-12-05T01:00");
    expect(r.body.clock.shifted).toBe(true);
    // the scheduler ran what is due: the submit reminder for November, in the DMs
    expect(r.body.jobs.summary).toMatch(/remind-submit 2026-11: \d+ sent/);
    const dm = await until(async () => (await state("U0DEMO06")).messages.at(-1));
    expect(dm.text.length).toBeGreaterThan(0);
    const again = await post<{ jobs: { summary: string } }>("/api/clock", { month: "2026-12", day: 5 });
    expect(again.body.jobs.summary).toContain("No scheduled job was due");
    await post("/api/command", { user: STAFF, channel: STAFF, text: "/log fpfs 1" });
    await until(async () => (await state()).ephemerals.some((e) => e.text.includes("on 2026-12-05")));
    expect((await post("/api/clock", { month: "2026-02", day: 30 })).status).toBe(400);
    const back = await post<{ clock: { shifted: boolean } }>("/api/clock", { reset: true });
    expect(back.body.clock.shifted).toBe(false);
  });

  it("serves files the bot uploads: images inline, spreadsheets as downloads", async () => {
    const rt = pg.runtime()!;
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    );
    await rt.app.app.client.files.uploadV2({
      channel_id: PLAYGROUND_CHANNELS.results.id,
      file_uploads: [
        { file: png, filename: "ranking-2026-11.png", title: "Ranking 2026-11" },
        { file: Buffer.from("PK fake xlsx"), filename: "results-2026-11.xlsx", title: "Results 2026-11" },
      ],
      initial_comment: "Results of 2026-11",
    });
    const s = await until(async () => {
      const st = await state(STAFF, PLAYGROUND_CHANNELS.results.id);
      return st.files.length === 2 && st;
    });
    const image = s.files.find((f) => f.name.endsWith(".png"))!;
    expect(image.mimetype).toBe("image/png");
    const served = await fetch(`${pg.url}${image.url.slice(1)}`);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    const sheet = s.files.find((f) => f.name.endsWith(".xlsx"))!;
    const download = await fetch(`${pg.url}${sheet.url.slice(1)}?download=1`);
    expect(download.headers.get("content-disposition")).toContain("attachment");
    expect(download.headers.get("content-type")).toContain("spreadsheetml");
  });
});

describe("command hints", () => {
  it("come from manifest.yml: each command and the words of its usage hint", () => {
    const hints = loadCommandHints();
    expect(hints.find((h) => h.insert === "/log ")?.usage).toContain("temp <min> <what>");
    expect(hints.map((h) => h.insert)).toEqual(
      expect.arrayContaining([
        "/log list",
        "/log undo",
        "/log submit",
        "/log help",
        "/kpi help",
        "/kpi lang ",
      ]),
    );
  });
});

describe("mentions", () => {
  it("become <@U…|handle> for known handles, as Slack's client sends them", () => {
    const users = [{ id: "U0DEMO05", name: "zhang.wei" }];
    expect(escapeMentions("quality @zhang.wei 2026-11", users)).toBe("quality <@U0DEMO05|zhang.wei> 2026-11");
    expect(escapeMentions("@Zhang.Wei", users)).toBe("<@U0DEMO05|zhang.wei>");
    expect(escapeMentions("mail a@zhang.wei and @nobody", users)).toBe("mail a@zhang.wei and @nobody");
  });
});
