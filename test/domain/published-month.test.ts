/**
 * A month whose results are published takes no more changes from the staff side, whatever the state of
 * the person's sheet: publishing locks only the APPROVED sheets, so a sheet the close left OPEN or
 * RETURNED (named exceptions), or no sheet at all, must still refuse lines (the work-date rule allows the
 * previous month), edits, deletes, undo, evidence, temporary tasks and submission. Each refusal is
 * sheet.monthPublished { month }, audited REFUSED, and writes nothing else. The month is published with
 * the real use-case (publishMonth with an exception reason). The current month is untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import { publishMonth } from "../../src/domain/close.js";
import { DomainError } from "../../src/domain/errors.js";
import {
  attachEvidence,
  type Deps,
  deleteLine,
  deleteTempTask,
  listLines,
  logTempTask,
  logWork,
  logWorkAs,
  undoLast,
  updateLine,
} from "../../src/domain/logging.js";
import { returnSheet } from "../../src/domain/review.js";
import { sheetSummary, submitSheet } from "../../src/domain/sheets.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";
import { countRows, type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

const M = "2026-10"; // published below
const clock = testClock("2026-11-02T10:00:00+08:00");
const deps: Deps = { clock, timeZone: TZ };
const sheetDeps = { clock, timeZone: TZ };

let db: Database;
let fx: Fixture;
const id = (code: string) => fx.items[code]!.id;

async function codeOf(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

/** Everything a refused change could have touched: rows counted, and the month's lines and tasks as stored. */
async function snapshot() {
  const p = db.prisma;
  return {
    counts: await countRows(p),
    entries: await p.entry.findMany({ orderBy: { id: "asc" } }),
    evidence: await p.entryEvidence.findMany({ orderBy: { id: "asc" } }),
    temps: await p.tempTask.findMany({ orderBy: { id: "asc" } }),
    sheets: await p.sheet.findMany({ orderBy: { id: "asc" } }),
  };
}

const refusedRows = (actor: string, action: string) =>
  db.prisma.auditLog.count({
    where: { actor, action, outcome: "REFUSED", reason: "sheet.monthPublished" },
  });

let aliceLine: string; // an active line of Alice's OPEN sheet in M
let aliceDocLine: string; // MN002, needs a working paper
let aliceTask: string; // an unpriced temporary task in M

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedFixtures(db.prisma);
  const { alice, carol, dave } = fx.people;
  // Alice: an OPEN sheet (lines and a temporary task), never submitted
  const a = await logWork(db.prisma, deps, alice, { itemId: id("SV001"), count: 2, workDate: "2026-10-15" });
  const b = await logWork(db.prisma, deps, alice, { itemId: id("MN002"), count: 1, workDate: "2026-10-16" });
  if (a.status !== "logged" || b.status !== "logged") throw new Error("setup: not logged");
  aliceLine = a.entry.id;
  aliceDocLine = b.entry.id;
  aliceTask = (
    await logTempTask(db.prisma, deps, alice, {
      minutes: 30,
      description: "flood relief",
      workDate: "2026-10-20",
    })
  ).id;
  // Carol (a chief: her sheet goes to the branch chief): submitted, then returned by Dave
  await logWork(db.prisma, deps, carol, { itemId: id("SV003"), count: 1, workDate: "2026-10-10" });
  const s = await submitSheet(db.prisma, sheetDeps, carol, M);
  await returnSheet(db.prisma, deps, dave, { sheetId: s.sheet.id, reason: "add the rest" });
  // Bob: no sheet in M. The group closes with named exceptions.
  const out = await publishMonth(db.prisma, { clock }, dave, M, {
    exceptionReason: "closed on time: sheets not approved are left out",
  });
  expect(out).toMatchObject({ alreadyPublished: false, lockedSheets: 0 });
  expect(out.exceptions?.items.length).toBeGreaterThan(0);
});
afterAll(async () => {
  await db?.close();
});

describe(`a published month takes no more changes (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("logWork and logWorkAs: refused whatever the sheet (open, returned, none), with or without evidence or confirm", async () => {
    const { alice, bob, carol } = fx.people;
    const before = await snapshot();
    const line = { itemId: id("SV001"), count: 1, workDate: "2026-10-31" };
    for (const actor of [alice, bob, carol]) {
      const e = await codeOf(logWork(db.prisma, deps, actor, line));
      expect([e.code, e.params]).toEqual(["sheet.monthPublished", { month: M }]);
      expect((await codeOf(logWork(db.prisma, deps, actor, { ...line, confirm: true }))).code).toBe(
        "sheet.monthPublished",
      );
      const as = await codeOf(logWorkAs(db.prisma, deps, actor.slackUserId, line));
      expect([as.code, as.params]).toEqual(["sheet.monthPublished", { month: M }]);
    }
    // the evidence path (a transaction, not the one-statement path)
    const withDocs = await codeOf(
      logWork(db.prisma, deps, alice, {
        itemId: id("MN002"),
        count: 1,
        workDate: "2026-10-30",
        evidence: { checked: [fx.docs["MN002:Working paper"]!], links: ["https://example.org/paper"] },
      }),
    );
    expect(withDocs.code).toBe("sheet.monthPublished");
    expect(await snapshot()).toEqual(before);
    // audited like sheet.locked: one REFUSED row each, actor and month kept
    expect(await refusedRows("UALICE", "entry.create")).toBe(4);
    expect(await refusedRows("UBOB", "entry.create")).toBe(3);
    expect(await refusedRows("UCAROL", "entry.create")).toBe(3);
    const row = await db.prisma.auditLog.findFirstOrThrow({
      where: { actor: "UBOB", reason: "sheet.monthPublished" },
    });
    expect(row.after).toMatchObject({ personId: bob.personId, month: M });
  });

  it("several people's lines at once (one batched statement on PostgreSQL): each refused, nothing written", async () => {
    const { alice, bob, carol } = fx.people;
    const before = await snapshot();
    const results = await Promise.allSettled(
      [alice, bob, carol, alice].map((a, i) =>
        logWorkAs(db.prisma, deps, a.slackUserId, {
          itemId: id("SV004"),
          count: i + 1,
          workDate: "2026-10-29",
        }),
      ),
    );
    for (const r of results) {
      expect(r.status).toBe("rejected");
      expect(((r as PromiseRejectedResult).reason as DomainError).code).toBe("sheet.monthPublished");
    }
    expect(await snapshot()).toEqual(before);
  });

  it("updateLine, deleteLine, attachEvidence and undoLast: refused, the lines unchanged", async () => {
    const { alice } = fx.people;
    const before = await snapshot();
    const refusals = [
      await codeOf(updateLine(db.prisma, deps, alice, aliceLine, { count: 9 })),
      await codeOf(updateLine(db.prisma, deps, alice, aliceLine, { note: "late edit" })),
      await codeOf(deleteLine(db.prisma, deps, alice, aliceLine)),
      await codeOf(
        attachEvidence(db.prisma, deps, alice, aliceDocLine, { checked: [fx.docs["MN002:Working paper"]!] }),
      ),
      await codeOf(undoLast(db.prisma, deps, alice)),
    ];
    for (const e of refusals) expect([e.code, e.params]).toEqual(["sheet.monthPublished", { month: M }]);
    expect(await snapshot()).toEqual(before);
    expect(await refusedRows("UALICE", "entry.update")).toBe(2);
    expect(await refusedRows("UALICE", "entry.delete")).toBe(1);
    expect(await refusedRows("UALICE", "entry.evidence")).toBe(1);
    expect(await refusedRows("UALICE", "entry.undo")).toBe(1);
  });

  it("temporary tasks: logging one for the month and deleting one are refused", async () => {
    const { alice, bob } = fx.people;
    const before = await snapshot();
    for (const actor of [alice, bob]) {
      const e = await codeOf(
        logTempTask(db.prisma, deps, actor, {
          minutes: 45,
          description: "archive move",
          workDate: "2026-10-28",
        }),
      );
      expect([e.code, e.params]).toEqual(["sheet.monthPublished", { month: M }]);
    }
    expect((await codeOf(deleteTempTask(db.prisma, deps, alice, aliceTask))).code).toBe(
      "sheet.monthPublished",
    );
    expect(await snapshot()).toEqual(before);
    expect(await refusedRows("UALICE", "temp.create")).toBe(1);
    expect(await refusedRows("UBOB", "temp.create")).toBe(1);
    expect(await refusedRows("UALICE", "temp.delete")).toBe(1);
  });

  it("submit and resubmit: refused (open, returned, no sheet even with allowEmpty); the summary offers no Submit", async () => {
    const { alice, bob, carol } = fx.people;
    const before = await snapshot();
    for (const [actor, opts] of [
      [alice, {}],
      [carol, {}],
      [bob, { allowEmpty: true }],
    ] as const) {
      const e = await codeOf(submitSheet(db.prisma, sheetDeps, actor, M, opts));
      expect([e.code, e.params]).toEqual(["sheet.monthPublished", { month: M }]);
    }
    expect(await snapshot()).toEqual(before);
    expect(await refusedRows("UALICE", "sheet.submit")).toBe(1);
    expect(await refusedRows("UCAROL", "sheet.submit")).toBe(1);
    expect(await refusedRows("UBOB", "sheet.submit")).toBe(1);
    for (const actor of [alice, carol, bob]) {
      const s = await sheetSummary(db.prisma, sheetDeps, actor, M);
      expect(s).toMatchObject({ canSubmit: false, blockers: ["sheet.monthPublished"] });
    }
    const list = await listLines(db.prisma, deps, alice, M);
    expect(list.published).toBe(true);
    expect(list.lines.length).toBe(2);
    expect([...list.lines, ...list.tempTasks].map((x) => x.editable)).toEqual([false, false, false]);
  });

  it("the current month is untouched: lines, temporary tasks, undo and the list work as before", async () => {
    const { alice, bob } = fx.people;
    clock.advance(60_000); // after everything logged in October
    const r = await logWorkAs(db.prisma, deps, bob.slackUserId, {
      itemId: id("SV001"),
      count: 1,
      workDate: "2026-11-02",
    });
    expect(r.result.status).toBe("logged");
    const t = await logTempTask(db.prisma, deps, alice, { minutes: 20, description: "phone duty" });
    expect(t).toMatchObject({ month: "2026-11", editable: true, repeated: false });
    const undone = await undoLast(db.prisma, deps, alice);
    expect(undone.removed.kind).toBe("temp");
    const list = await listLines(db.prisma, deps, bob, "2026-11");
    expect(list).toMatchObject({ published: false });
    expect(list.lines.map((l) => l.editable)).toEqual([true]);
    expect((await sheetSummary(db.prisma, sheetDeps, bob, "2026-11")).canSubmit).toBe(true);
  });

  it("a line sent while the month is being published waits for the publish, then is refused", async () => {
    const { alice, dave } = fx.people;
    clock.set("2026-12-02T10:00:00+08:00"); // November is now the previous month
    try {
      const N = "2026-11";
      await db.prisma.monthClose.create({ data: { month: N, state: "OPEN" } }); // as a preview leaves it
      const before = await snapshot();
      let entered!: () => void;
      let release!: () => void;
      const inside = new Promise<void>((r) => {
        entered = r;
      });
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const publishing = publishMonth(
        db.prisma,
        {
          clock,
          failpoint: async (stage) => {
            if (stage !== "results") return;
            entered();
            await gate;
          },
        },
        dave,
        N,
        { exceptionReason: "closed with the November exceptions" },
      );
      await inside;
      let settled = false;
      const line = logWork(db.prisma, deps, alice, { itemId: id("SV001"), count: 1, workDate: "2026-11-30" });
      void line.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(settled).toBe(false); // held by the publish under way
      release();
      expect((await publishing).alreadyPublished).toBe(false);
      const e = await codeOf(line);
      expect([e.code, e.params]).toEqual(["sheet.monthPublished", { month: N }]);
      const after = await snapshot();
      expect(after.entries).toEqual(before.entries);
      expect(after.sheets.map((x) => [x.id, x.state])).toEqual(before.sheets.map((x) => [x.id, x.state]));
    } finally {
      clock.set("2026-11-02T10:00:00+08:00");
    }
  });
});
