/**
 * Browsing the catalog and re-valuing an item through the real Bolt app and the fake Slack: /kpi items,
 * a proposal posted to the review channel with its thread, five voters (one changing their vote, one
 * voting twice, which changes nothing and says so), the assessment group's decision modal whose effect
 * preview matches a recomputation with the scoring module, an amended adoption effective next month
 * (new lines carry the new points, old lines keep theirs), and refusals (non-members of the group,
 * votes after the decision).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMonthInput } from "../../src/domain/month-input.js";
import { repriceInput } from "../../src/domain/proposals.js";
import { computeMonth, formatHundredths } from "../../src/scoring/index.js";
import { renderView } from "../../src/slack/blocks/render.js";
import { USERS } from "./fixtures.js";
import { type Harness, lastEphemeral, settle, startHarness, textOf } from "./harness.js";

const REVIEW = "C0REVIEW";

describe("catalog and proposals in Slack", () => {
  let h: Harness;
  let proposalId: string;
  let cardTs: string;

  beforeAll(async () => {
    h = await startHarness("http");
    const p = h.db.prisma;
    await p.setting.create({ data: { key: "reviewChannel", value: REVIEW } });
    await p.setting.create({ data: { key: "language", value: "en" } });
    await p.roleAssignment.create({ data: { personId: h.fx.people.chief!, role: "ASSESSMENT_GROUP" } });
    // everyone reads English here (the channel's language is the "language" setting)
    await p.person.updateMany({ data: { locale: "en" } });
    // last month (2026-10): approved lines of invoice sales (SV001, 3.00) and archive filing (SV003, 2.00)
    const versions = await p.itemPointVersion.findMany();
    const v = (itemId: string) => versions.find((x) => x.itemId === itemId)!;
    const lines: [string, string, number][] = [
      [h.fx.people.zhang!, h.fx.items.invoice, 40],
      [h.fx.people.anna!, h.fx.items.invoice, 10],
      [h.fx.people.anna!, h.fx.items.archive, 30],
      [h.fx.people.li!, h.fx.items.archive, 55],
      [h.fx.people.prefers!, h.fx.items.invoice, 25],
    ];
    for (const personId of Object.values(h.fx.people)) {
      if (!personId || personId === h.fx.people.gone) continue;
      const sheet = await p.sheet.create({
        data: { personId, month: "2026-10", state: "APPROVED", version: 2 },
      });
      await p.qualityReview.create({
        data: { personId, month: "2026-10", reviewedById: h.fx.people.chief! },
      });
      for (const [who, itemId, count] of lines.filter((l) => l[0] === personId)) {
        await p.entry.create({
          data: {
            personId: who,
            sheetId: sheet.id,
            month: "2026-10",
            workDate: "2026-10-15",
            itemId,
            pointVersionId: v(itemId).id,
            pointsPerUnit: v(itemId).points,
            count,
          },
        });
      }
    }
  });
  afterAll(async () => {
    await h?.close();
  });

  it("/kpi items shows category, unit, points, history and required evidence", async () => {
    await h.slack.slashCommand({ user: USERS.anna, command: "/kpi", text: "items arrears" });
    const m = await h.slack.waitForEphemeral(USERS.anna, /Catalog/);
    const text = textOf(m);
    expect(text).toContain("SV004");
    expect(text).toContain("Comprehensive tax service");
    expect(text).toContain("per case");
    expect(text).toContain("30.00 pts");
    expect(text).toMatch(/Required evidence: Arrears list, Payment demand/);
    expect(text).toMatch(/History: 2026-01 30\.00 \(initial catalog\)/);
    expect(text).toContain("[Propose a change]");
    await h.slack.slashCommand({ user: USERS.anna, command: "/kpi", text: "items zzzzqqq" });
    await h.slack.waitForEphemeral(USERS.anna, /No item matches “zzzzqqq”/);
  });

  it("/kpi propose posts the proposal to the review channel, with a comment thread", async () => {
    await h.slack.slashCommand({
      user: USERS.zhang,
      command: "/kpi",
      text: "propose fpfs 3.5 the new invoice system takes longer",
    });
    await h.slack.waitForEphemeral(USERS.zhang, /C0REVIEW/);
    const card = await h.slack.waitForMessage(REVIEW, /re-value SV001/);
    cardTs = card.ts;
    const text = textOf(card);
    expect(text).toContain("3.00 pts → *3.50 pts*");
    expect(text).toContain("the new invoice system takes longer");
    expect(text).toContain(`<@${USERS.zhang}>`);
    expect(text).toContain("[👍 Agree]");
    const thread = h.slack.messages(REVIEW).filter((m) => m.threadTs === cardTs);
    expect(thread.map((m) => m.text).join()).toMatch(/Comments on this proposal go in this thread/);
    const p = await h.db.prisma.proposal.findFirstOrThrow();
    proposalId = p.id;
    expect(p).toMatchObject({
      itemId: h.fx.items.invoice,
      proposedPoints: 350,
      state: "OPEN",
      channel: REVIEW,
      ts: cardTs,
    });
  });

  it("a bad proposal gets a specific answer and writes nothing", async () => {
    await h.slack.slashCommand({
      user: USERS.li,
      command: "/kpi",
      text: "propose fpfs 3.505 too many decimals",
    });
    await h.slack.waitForEphemeral(USERS.li, /not a points value/);
    await h.slack.slashCommand({ user: USERS.li, command: "/kpi", text: "propose fpfs 3" });
    await h.slack.waitForEphemeral(USERS.li, /already has 3.00 points|Give a reason/);
    expect(await h.db.prisma.proposal.count()).toBe(1);
    // the bot cannot post in the review channel: the proposer is told, nothing stays behind
    h.slack.stubMethod("chat.postMessage", () => ({ ok: false, error: "not_in_channel" }));
    try {
      await h.slack.slashCommand({
        user: USERS.li,
        command: "/kpi",
        text: "propose dagjzl 2.5 archive boxes are heavier",
      });
      await h.slack.waitForEphemeral(USERS.li, /could not be posted in <#C0REVIEW>/);
    } finally {
      h.slack.removeStub("chat.postMessage");
    }
    expect(await h.db.prisma.proposal.count()).toBe(1);
    expect(await h.db.prisma.auditLog.count({ where: { action: "proposal.withdraw" } })).toBe(1);
  });

  const vote = async (user: string, button: "proposal_agree" | "proposal_disagree") => {
    await h.slack.clickButton({ user, actionId: button, message: { channel: REVIEW, ts: cardTs } });
  };

  it("five people vote; one changes their vote; one votes twice, which changes nothing and says so", async () => {
    await vote(USERS.zhang, "proposal_agree");
    await h.slack.waitForEphemeral(USERS.zhang, /Your vote: Agree/);
    await vote(USERS.anna, "proposal_agree");
    await vote(USERS.li, "proposal_disagree");
    await vote(USERS.chief, "proposal_agree");
    await vote(USERS.prefers, "proposal_disagree");
    await h.slack.waitForEphemeral(USERS.prefers, /Your vote: Disagree/);
    // prefers changes their mind
    await vote(USERS.prefers, "proposal_agree");
    await h.slack.waitForEphemeral(USERS.prefers, /Vote changed to Agree/);
    // anna clicks Agree a second time
    const auditBefore = await h.db.prisma.auditLog.count({ where: { action: "proposal.vote" } });
    await vote(USERS.anna, "proposal_agree");
    await h.slack.waitForEphemeral(USERS.anna, /already voted Agree: your vote is unchanged/);
    expect(await h.db.prisma.auditLog.count({ where: { action: "proposal.vote" } })).toBe(auditBefore);

    const votes = await h.db.prisma.proposalVote.findMany({ where: { proposalId } });
    expect(votes).toHaveLength(5);
    expect(votes.filter((v) => v.choice === "AGREE")).toHaveLength(4);
    await settle(h);
    const card = h.slack.messages(REVIEW).find((m) => m.ts === cardTs)!;
    expect(textOf(card)).toContain("Agree *4* · 👎 Disagree *1*");
    expect(card.versions.length).toBeGreaterThanOrEqual(6); // updated in place after each change
    expect(h.slack.messages(REVIEW).filter((m) => !m.threadTs)).toHaveLength(1);
  });

  it("Decide is refused to people outside the assessment group, and audited", async () => {
    await h.slack.clickButton({
      user: USERS.anna,
      actionId: "proposal_decide",
      message: { channel: REVIEW, ts: cardTs },
    });
    await h.slack.waitForEphemeral(USERS.anna, /not allowed/);
    expect(h.slack.currentView(USERS.anna)).toBeUndefined();
    const refused = await h.db.prisma.auditLog.findFirst({
      where: { actor: USERS.anna, action: "proposal.decide.open", outcome: "REFUSED" },
    });
    expect(refused).not.toBeNull();
    // a forged decision submission from a non-member changes nothing
    const r = await h.slack.sendInteraction({
      type: "view_submission",
      user: { id: USERS.anna, username: "anna", team_id: h.slack.team.id },
      team: { id: h.slack.team.id, domain: h.slack.team.domain },
      api_app_id: h.slack.appId,
      token: "emulator-verification-token",
      trigger_id: "0.0.forged",
      view: {
        id: "VFORGED",
        type: "modal",
        callback_id: "proposal_decide",
        private_metadata: JSON.stringify({ p: proposalId }),
        state: {
          values: {
            decision: { field: { type: "radio_buttons", selected_option: { value: "adopt" } } },
            month: { field: { type: "static_select", selected_option: { value: "2026-12" } } },
          },
        },
      },
    });
    expect(JSON.stringify(r.ackBody)).toContain("not allowed");
    expect((await h.db.prisma.proposal.findUniqueOrThrow({ where: { id: proposalId } })).state).toBe("OPEN");
    expect(
      await h.db.prisma.auditLog.count({
        where: { actor: USERS.anna, action: "proposal.adopt", outcome: "REFUSED" },
      }),
    ).toBe(1);
  });

  it("the decision modal's effect preview matches a recomputation of last month with the scoring module", async () => {
    await h.slack.clickButton({
      user: USERS.chief,
      actionId: "proposal_decide",
      message: { channel: REVIEW, ts: cardTs },
    });
    const view = await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.chief);
      return v && renderView(v.view).includes("Effect on 2026-10") ? v : undefined;
    });
    const text = renderView(view.view);
    const loaded = await loadMonthInput(h.db.prisma, "2026-10");
    const before = computeMonth(loaded.input);
    const after = computeMonth(repriceInput(loaded.input, "SV001", 350));
    let changed = 0;
    for (const b of before.people) {
      const a = after.people.find((x) => x.personId === b.personId)!;
      if (a.raw === b.raw && a.finalRounded === b.finalRounded && a.rankOverall === b.rankOverall) continue;
      changed++;
      const slackId = loaded.people.get(b.personId)!.slackUserId;
      const row = `<@${slackId}>: raw ${formatHundredths(b.raw)} → ${formatHundredths(a.raw)} · quantity ${b.display.quantity} → ${a.display.quantity} · final ${formatHundredths(b.finalRounded)} → ${formatHundredths(a.finalRounded)} · rank ${b.rankOverall} → ${a.rankOverall}`;
      expect(text).toContain(row);
    }
    expect(changed).toBeGreaterThanOrEqual(3);
    expect(text).toContain(`${changed} people change`);
    expect(text).toContain("Agree *4*");
  });

  it("Enter in the points field recomputes the preview for amended points", async () => {
    const view = h.slack.currentView(USERS.chief)!;
    await h.slack.interact({ user: USERS.chief, viewId: view.id, actionId: "proposal_preview", value: "4" });
    const updated = await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.chief);
      return v && renderView(v.view).includes("had 4.00 pts applied") ? v : undefined;
    });
    const loaded = await loadMonthInput(h.db.prisma, "2026-10");
    const after = computeMonth(repriceInput(loaded.input, "SV001", 400));
    const zhang = after.people.find((p) => p.personId === h.fx.people.zhang)!;
    expect(renderView(updated.view)).toContain(`→ ${formatHundredths(zhang.finalRounded)} · rank`);
    await h.slack.interact({
      user: USERS.chief,
      viewId: updated.id,
      actionId: "proposal_preview",
      value: "four",
    });
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.chief);
      return v && renderView(v.view).includes("“four” is not a points value") ? v : undefined;
    });
  });

  it("an amended adoption with bad points is shown on the points field; then adopted effective next month", async () => {
    const bad = await h.slack.submitView({
      user: USERS.chief,
      values: { decision: "amend", points: "4.001", month: "2026-12" },
    });
    expect(bad.responseAction).toBe("errors");
    expect(bad.errors?.points).toMatch(/not a points value/);
    const ok = await h.slack.submitView({
      user: USERS.chief,
      values: { decision: "amend", points: "4", month: "2026-12", note: "group meeting 11-20: 4 points" },
    });
    expect(ok.responseAction).toBeUndefined();
    await h.slack.waitForMessage(REVIEW, /3\.00 pts → \*4\.00 pts\* per transaction from 2026-12/);
    const announce = h.slack
      .messages(REVIEW)
      .find((m) => /from 2026-12/.test(m.text) && m.threadTs === cardTs)!;
    expect(announce.extra?.reply_broadcast).toBeTruthy();
    const card = h.slack.messages(REVIEW).find((m) => m.ts === cardTs)!;
    expect(textOf(card)).toMatch(/Adopted with amended points.*4\.00 pts.*proposed 3\.50 pts.*2026-12/);
    expect(textOf(card)).not.toContain("[👍 Agree]");

    const version = await h.db.prisma.itemPointVersion.findFirstOrThrow({
      where: { itemId: h.fx.items.invoice, effectiveMonth: "2026-12" },
    });
    expect(version).toMatchObject({ points: 400, proposalId, decisionRef: `proposal:${proposalId}` });
    expect(version.reason).toContain("the new invoice system takes longer");
    expect(version.reason).toContain("group meeting 11-20");
    const p = await h.db.prisma.proposal.findUniqueOrThrow({ where: { id: proposalId } });
    expect(p).toMatchObject({ state: "ADOPTED", adoptedPoints: 400, effectiveMonth: "2026-12" });
    expect(await h.db.prisma.auditLog.count({ where: { action: "proposal.amend", outcome: "OK" } })).toBe(1);
  });

  it("votes after the decision are refused; new lines carry the new points, old lines keep theirs", async () => {
    // the card lost its buttons; a click from a stale copy (forged here) is refused
    await h.slack.sendInteraction({
      type: "block_actions",
      user: { id: USERS.li, username: "li.na", team_id: h.slack.team.id },
      team: { id: h.slack.team.id, domain: h.slack.team.domain },
      api_app_id: h.slack.appId,
      token: "emulator-verification-token",
      trigger_id: "0.0.stale",
      container: { type: "message", message_ts: cardTs, channel_id: REVIEW, is_ephemeral: false },
      channel: { id: REVIEW, name: "review" },
      actions: [
        {
          type: "button",
          action_id: "proposal_agree",
          block_id: "proposal_actions",
          value: proposalId,
          action_ts: "1",
        },
      ],
    });
    await h.slack.waitForMessage(USERS.li, /already decided/);
    expect(await h.db.prisma.proposalVote.count({ where: { proposalId } })).toBe(5);
    expect(
      await h.db.prisma.auditLog.count({
        where: { actor: USERS.li, action: "proposal.vote", outcome: "REFUSED" },
      }),
    ).toBe(1);

    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 2" });
    await h.slack.waitForEphemeral(USERS.zhang, /Logged/);
    h.clock.set("2026-12-02T10:00:00+08:00");
    await h.slack.slashCommand({ user: USERS.zhang, command: "/log", text: "fpfs 2" });
    await h.slack.waitFor(
      () => (lastEphemeral(h.slack, USERS.zhang)?.text ?? "").includes("8.00") || undefined,
    );
    const entries = await h.db.prisma.entry.findMany({
      where: { personId: h.fx.people.zhang, itemId: h.fx.items.invoice },
      orderBy: { workDate: "asc" },
    });
    expect(entries.map((e) => [e.month, e.pointsPerUnit])).toEqual([
      ["2026-10", 300],
      ["2026-11", 300],
      ["2026-12", 400],
    ]);
    await h.slack.slashCommand({ user: USERS.zhang, command: "/kpi", text: "items fpfs" });
    const m = await h.slack.waitForEphemeral(USERS.zhang, /Catalog: “fpfs”/);
    expect(textOf(m)).toContain("2026-12 3.00 → 4.00");
    h.clock.set("2026-11-20T10:00:00+08:00");
  });

  it("a new item is proposed in a modal and, once adopted, can be logged from its month", async () => {
    await h.slack.slashCommand({ user: USERS.li, command: "/kpi", text: "propose new" });
    await h.slack.waitFor(() => h.slack.currentView(USERS.li));
    const missing = await h.slack.submitView({
      user: USERS.li,
      values: {
        code: "SV001",
        name: "电子税务局辅导",
        nameEn: "E-tax guidance",
        category: "SERVICE",
        unit: "VISIT",
        points: "6",
        reason: "new service",
      },
    });
    expect(missing.responseAction).toBe("errors");
    expect(missing.errors?.code).toMatch(/already used/);
    const ok = await h.slack.submitView({
      user: USERS.li,
      values: {
        code: "SV020",
        name: "电子税务局辅导",
        nameEn: "E-tax guidance",
        category: "SERVICE",
        unit: "VISIT",
        points: "6",
        evidence: "辅导记录",
        reason: "new service since November",
      },
    });
    expect(ok.responseAction).toBeUndefined();
    const card = await h.slack.waitForMessage(REVIEW, /new item SV020/);
    expect(textOf(card)).toContain("*6.00 pts* (new item)");
    const p = await h.db.prisma.proposal.findFirstOrThrow({ where: { itemId: null } });
    await h.slack.clickButton({
      user: USERS.chief,
      actionId: "proposal_decide",
      message: { channel: REVIEW, ts: card.ts },
    });
    await h.slack.waitFor(() => {
      const v = h.slack.currentView(USERS.chief);
      return v && renderView(v.view).includes("no past lines") ? v : undefined;
    });
    await h.slack.submitView({ user: USERS.chief, values: { decision: "adopt", month: "2026-11" } });
    await h.slack.waitForMessage(REVIEW, /New item \*SV020/);
    const item = await h.db.prisma.workItem.findUniqueOrThrow({
      where: { code: "SV020" },
      include: { versions: true, evidence: true },
    });
    expect(item.versions).toMatchObject([{ points: 600, effectiveMonth: "2026-11", proposalId: p.id }]);
    expect(item.evidence.map((e) => e.name)).toEqual(["辅导记录"]);
    await h.slack.slashCommand({ user: USERS.li, command: "/log", text: "SV020 1" });
    await h.slack.waitForEphemeral(USERS.li, /SV020.*6\.00|6\.00.*SV020|E-tax|电子税务局辅导/);
  });

  it("five votes at the same moment: the card ends on the full tally", async () => {
    await h.slack.slashCommand({ user: USERS.anna, command: "/kpi", text: "propose fpdk 6 longer queues" });
    const card = await h.slack.waitForMessage(REVIEW, /re-value SV002/);
    const voters = [USERS.zhang, USERS.anna, USERS.li, USERS.chief];
    await Promise.all([
      ...voters.map((user) =>
        h.slack.clickButton({ user, actionId: "proposal_agree", message: { channel: REVIEW, ts: card.ts } }),
      ),
      h.slack.clickButton({
        user: USERS.zhang,
        actionId: "proposal_agree",
        message: { channel: REVIEW, ts: card.ts },
      }),
    ]);
    await h.slack.waitFor(() => {
      const m = h.slack.messages(REVIEW).find((x) => x.ts === card.ts);
      return m && textOf(m).includes("Agree *4* · 👎 Disagree *0*") ? m : undefined;
    });
    await settle(h, 300);
    const m = h.slack.messages(REVIEW).find((x) => x.ts === card.ts)!;
    expect(textOf(m)).toContain("Agree *4* · 👎 Disagree *0*");
    const p = await h.db.prisma.proposal.findFirstOrThrow({ where: { ts: card.ts } });
    expect(await h.db.prisma.proposalVote.count({ where: { proposalId: p.id } })).toBe(4);
  });

  it("the App Home has a catalog view by category", async () => {
    await h.slack.openHome(USERS.anna);
    await h.slack.waitFor(() => h.slack.home(USERS.anna));
    await settle(h);
    await h.slack.clickButton({ user: USERS.anna, actionId: "home_catalog" });
    const home = await h.slack.waitFor(() => {
      const v = h.slack.home(USERS.anna);
      return v && renderView(v.view).includes("Catalog by category") ? v : undefined;
    });
    const text = renderView(home.view);
    expect(text).toContain("Comprehensive tax service");
    expect(text).toContain("`SV004` Arrears collection · 30.00/case · 📎 2");
    // One click at a time, as a person would: the category's view is published before Back is clicked
    // (two clicks racing each other may land in either order).
    const published = () => h.slack.callsTo("views.publish").length;
    const before = published();
    await h.slack.selectOption({ user: USERS.anna, actionId: "home_catalog_pick", value: "SERVICE" });
    await h.slack.waitFor(() => published() > before);
    await settle(h);
    await h.slack.clickButton({ user: USERS.anna, actionId: "home_catalog_back" });
    await h.slack.waitFor(() => {
      const v = h.slack.home(USERS.anna);
      return v && !renderView(v.view).includes("Catalog by category") ? v : undefined;
    });
    h.slack.assertNoViolations();
  });
});
