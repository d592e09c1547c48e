/**
 * `/kpi export` through the real Bolt app and the fake Slack: the files arrive in the requester's DM
 * through files.uploadV2 (getUploadURLExternal → upload → completeUploadExternal), hold the persisted
 * numbers, and are scoped to what the requester may see; refusals are clear messages and upload
 * nothing. The quarterly summary is posted once to the results channel.
 */
import { parse } from "csv-parse/sync";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatHundredths } from "../../src/scoring/index.js";
import { postQuarterSummary } from "../../src/slack/quarter.js";
import { publishFinals } from "../helpers/results.js";
import { USERS } from "./fixtures.js";
import { type Harness, lastEphemeral, settle, startHarness, textOf } from "./harness.js";

let h: Harness;
const RESULTS = "C0RESULTS";

beforeAll(async () => {
  h = await startHarness("http");
  const p = h.db.prisma;
  // anna is in the assessment group; li has no role in the scheme
  await p.roleAssignment.create({ data: { personId: h.fx.people.anna!, role: "ASSESSMENT_GROUP" } });
  await p.roleAssignment.deleteMany({ where: { personId: h.fx.people.li! } });
  await p.setting.create({ data: { key: "resultsChannel", value: RESULTS } });
  await publishFinals(h.db, "2026-10", {
    [USERS.zhang]: 9500n,
    [USERS.anna]: 10300n,
    [USERS.chief]: 9000n,
    [USERS.prefers]: 3000n,
  });
});
afterAll(async () => {
  await h?.close();
});

const filesFor = (user: string) =>
  h.slack.files.filter((f) => f.completed && f.channels.includes(h.slack.dmId(user)));

async function exportAs(user: string, text: string) {
  const before = h.slack.files.length;
  const seen = h.slack.ephemerals(user).length;
  await h.slack.slashCommand({ user, command: "/kpi", text: `export ${text}`.trim() });
  // acknowledged at once; "preparing…" follows, then is replaced by the outcome (sent, or why not)
  await h.slack.waitFor(() => {
    const list = h.slack.ephemerals(user);
    return list.length > seen && !/Preparing|正在生成/.test(textOf(list.at(-1))) ? true : undefined;
  });
  await settle(h);
  const added = h.slack.ephemerals(user).length - seen;
  return { reply: textOf(lastEphemeral(h.slack, user)), uploaded: h.slack.files.slice(before), added };
}

const csvRows = (bytes: Buffer): Record<string, string>[] =>
  parse(bytes.toString("utf8"), { bom: true, columns: true });

describe("/kpi export", () => {
  it("the assessment group gets the score sheet and the CSV in its DM, with the persisted numbers", async () => {
    const { reply, uploaded, added } = await exportAs(USERS.anna, "2026-10");
    expect(reply).toContain("Sent to your DM");
    expect(added).toBe(1); // "preparing…" was replaced, not followed
    expect(reply).toContain("everyone");
    expect(uploaded.map((f) => f.filename)).toEqual(["score-sheet-2026-10.xlsx", "results-2026-10.csv"]);
    for (const f of uploaded) {
      expect(f.completed).toBe(true);
      expect(f.channels).toEqual([h.slack.dmId(USERS.anna)]);
      expect(f.size).toBe(f.declaredLength);
    }
    // the share message in the DM carries both files and the comment
    const dm = h.slack.messages(h.slack.dmId(USERS.anna)).at(-1)!;
    expect(dm.files).toEqual(uploaded.map((f) => f.id));
    expect(dm.text).toContain("2026-10");
    // calls went through the uploadV2 flow
    expect(h.slack.callsTo("files.getUploadURLExternal").length).toBeGreaterThanOrEqual(2);
    expect(h.slack.callsTo("files.completeUploadExternal").length).toBeGreaterThanOrEqual(1);

    const saved = await h.db.prisma.monthResult.findMany({ where: { month: "2026-10" } });
    const names = new Map((await h.db.prisma.person.findMany()).map((p) => [p.id, p.name]));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(uploaded[0]!.bytes as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Summary", "Comprehensive tax service"]);
    const ws = wb.worksheets[0]!;
    let header: string[] = [];
    const finals = new Map<string, unknown>();
    ws.eachRow((row) => {
      const v = (row.values as unknown[]).slice(1);
      if (v[0] === "No.") header = v.map(String);
      else if (header.length && typeof v[0] === "number")
        finals.set(String(v[header.indexOf("Name")]), v[header.indexOf("Final")]);
    });
    expect(finals.size).toBe(saved.length);
    for (const s of saved) expect(finals.get(names.get(s.personId)!)).toBe(Number(formatHundredths(s.final)));
    const rows = csvRows(uploaded[1]!.bytes);
    expect(rows.map((r) => [r.name, r.final]).sort()).toEqual(
      saved.map((s) => [names.get(s.personId), formatHundredths(s.final)]).sort(),
    );
    h.slack.assertNoViolations();
  });

  it("a staff member gets only their own line", async () => {
    const { reply, uploaded } = await exportAs(USERS.zhang, "2026-10");
    expect(reply).toContain("仅本人");
    expect(uploaded).toHaveLength(2);
    expect(filesFor(USERS.zhang)).toHaveLength(2);
    expect(csvRows(uploaded[1]!.bytes).map((r) => [r.name, r.final, r.rank_overall])).toEqual([
      ["张伟", "95.00", "2"],
    ]);
  });

  it("no period: the latest published month", async () => {
    const { reply, uploaded } = await exportAs(USERS.zhang, "");
    expect(reply).toContain("score-sheet-2026-10.xlsx");
    expect(uploaded.map((f) => f.filename)).toEqual(["score-sheet-2026-10.xlsx", "results-2026-10.csv"]);
  });

  it("a section chief gets their section", async () => {
    const { reply, uploaded } = await exportAs(USERS.chief, "2026-10");
    expect(reply).toContain("本股室");
    expect(
      csvRows(uploaded[1]!.bytes)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["刘洋", "安娜", "张伟", "王股长"].sort());
  });

  it("a quarter: the quarterly summary files", async () => {
    const { uploaded } = await exportAs(USERS.anna, "2026Q4");
    expect(uploaded.map((f) => f.filename)).toEqual(["quarter-2026-Q4.xlsx", "quarter-2026-Q4.csv"]);
    expect(csvRows(uploaded[1]!.bytes).find((r) => r.name === "安娜")).toMatchObject({
      sum: "103.00",
      rank: "1",
    });
  });

  it("refuses, with a clear message and no file: no role, unpublished month, bad period, unknown person", async () => {
    const before = h.slack.files.length;
    expect((await exportAs(USERS.li, "2026-10")).reply).toContain("无权导出考核结果");
    expect((await exportAs(USERS.zhang, "2026-11")).reply).toContain("2026-11 尚未发布");
    expect((await exportAs(USERS.anna, "october")).reply).toContain("“october” is not a month or a quarter");
    expect((await exportAs(USERS.stranger, "2026-10")).reply).toContain("尚未加入考核名单");
    expect(h.slack.files.length).toBe(before);
    const refused = await h.db.prisma.auditLog.findMany({
      where: { action: "export.results", outcome: "REFUSED" },
    });
    expect(refused.map((a) => a.reason).sort()).toEqual(["export.forbidden", "export.notPublished"]);
  });

  it("help", async () => {
    expect((await exportAs(USERS.anna, "help")).reply).toContain("/kpi export [month|quarter]");
  });
});

describe("quarterly summary post", () => {
  it("after the third month is published: posted once to the results channel", async () => {
    const ctx = h.app.ctx;
    expect(await postQuarterSummary(ctx, "2026-11")).toEqual({
      posted: false,
      quarter: null,
      reason: "not-quarter-end",
    });
    expect(await postQuarterSummary(ctx, "2026-12")).toMatchObject({
      posted: false,
      reason: "not-published",
    });
    await publishFinals(h.db, "2026-11", { [USERS.zhang]: 9000n, [USERS.anna]: 8000n });
    await publishFinals(h.db, "2026-12", {
      [USERS.zhang]: 10025n,
      [USERS.anna]: 9000n,
      [USERS.chief]: 9900n,
    });

    // the first attempt fails (Slack down): nothing is recorded as posted, the next call posts
    h.slack.stubMethod("chat.postMessage", () => ({ ok: false, error: "fatal_error" }));
    await expect(postQuarterSummary(ctx, "2026-12")).rejects.toThrow();
    h.slack.removeStub("chat.postMessage");
    expect(h.slack.messages(RESULTS)).toHaveLength(0);

    const r = await postQuarterSummary(ctx, "2026-12");
    expect(r).toMatchObject({ posted: true, quarter: "2026-Q4" });
    const posted = h.slack.messages(RESULTS);
    expect(posted).toHaveLength(1);
    const text = textOf(posted[0]);
    expect(text).toContain("2026-Q4 季度考核汇总");
    // 张伟 95 + 90 + 100.25 = 285.25; 安娜 103 + 80 + 90 = 273; 王股长 90 + 0 + 99 = 189; 刘洋 30
    expect(text).toContain("1. 张伟：*285.25*（95.00 + 90.00 + 100.25）");
    expect(text).toContain("2. 安娜：*273.00*");
    expect(text).toContain("3. 王股长：*189.00*（90.00 + — + 99.00）");
    expect(text).toContain("4. 刘洋：*30.00*");

    // again (a retry, a second replica): nothing more
    expect(await postQuarterSummary(ctx, "2026-12")).toMatchObject({
      posted: false,
      reason: "already-posted",
    });
    expect(h.slack.messages(RESULTS)).toHaveLength(1);
    const runs = await h.db.prisma.jobRun.findMany({ where: { job: "quarter-summary" } });
    expect(runs).toMatchObject([{ period: "2026-Q4", status: "DONE", sent: 1 }]);
  });

  it("ranking privacy 'top': only the top N in the channel", async () => {
    const { quarterSummaryMessage } = await import("../../src/slack/blocks/quarter.js");
    const { quarterResults } = await import("../../src/domain/quarter-results.js");
    const { translator } = await import("../../src/i18n/index.js");
    const q = await quarterResults(h.db, "2026-Q4");
    const m = quarterSummaryMessage(translator("en"), q, { privacy: "top", topN: 2 });
    const text = textOf(m);
    expect(text).toContain("1. 张伟");
    expect(text).toContain("2. 安娜");
    expect(text).not.toContain("王股长");
    expect(text).toContain("Top 2 shown");
  });
});
