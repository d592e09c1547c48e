/**
 * Minimal catalog and organisation for the domain tests, written with plain Prisma calls.
 *
 * Sections: S1 综合办税股 (Alice staff, Carol its chief), S2 监控股 (Bob staff, no chief).
 * Dave is the branch chief (no section); Eve is deactivated.
 * Items (hundredths): SV001 发票发售 500; SV002 发票代开 800 → 1000 from 2026-11; SV003 税务登记 1000;
 * SV004 档案归集整理 200; MN001 催报催缴 3000 with 6 required documents; MN002 纳税辅导 2000 with a working
 * paper; SV009 retired; SV010 priced only from 2026-12.
 */
import type { Database, Db } from "../../src/db/client.js";
import { pinyinInitialsOf } from "../../src/domain/catalog.js";
import { type Actor, requireActor } from "../../src/domain/people.js";
import type { Clock } from "../../src/util/time.js";

export const TZ = "Asia/Shanghai";

export interface Fixture {
  items: Record<string, { id: string; code: string }>;
  docs: Record<string, string>;
  people: { alice: Actor; bob: Actor; carol: Actor; dave: Actor; eve: Actor };
  sections: { s1: string; s2: string };
}

export const ARREARS_DOCS: [string, string][] = [
  ["欠税清册", "Arrears list"],
  ["欠税公告", "Arrears notice"],
  ["催缴税款通知书", "Payment demand"],
  ["税务行政处罚决定书", "Penalty decision"],
  ["税务行政处罚告知书", "Penalty notice"],
  ["信息传递单", "Information transfer slip"],
];

export async function seedFixtures(db: Db): Promise<Fixture> {
  await db.category.createMany({
    data: [
      {
        code: "SERVICE",
        name: "综合办税",
        nameEn: "Comprehensive tax service",
        coefficientGroup: "A",
        sortOrder: 1,
      },
      { code: "MONITOR", name: "日常监控", nameEn: "Daily monitoring", coefficientGroup: "B", sortOrder: 2 },
    ],
  });
  const defs: {
    code: string;
    cat: string;
    name: string;
    nameEn: string;
    unit: string;
    versions: [string, number][];
    active?: boolean;
    docs?: [string, string][];
  }[] = [
    {
      code: "SV001",
      cat: "SERVICE",
      name: "发票发售",
      nameEn: "Invoice sales",
      unit: "TXN",
      versions: [["2026-01", 500]],
    },
    {
      code: "SV002",
      cat: "SERVICE",
      name: "发票代开",
      nameEn: "Invoice issuing on behalf",
      unit: "TXN",
      versions: [
        ["2026-01", 800],
        ["2026-11", 1000],
      ],
    },
    {
      code: "SV003",
      cat: "SERVICE",
      name: "税务登记",
      nameEn: "Tax registration",
      unit: "TAXPAYER",
      versions: [["2026-01", 1000]],
    },
    {
      code: "SV004",
      cat: "SERVICE",
      name: "档案归集整理",
      nameEn: "Archive filing",
      unit: "DOC",
      versions: [["2026-01", 200]],
    },
    {
      code: "MN001",
      cat: "MONITOR",
      name: "催报催缴",
      nameEn: "Arrears collection",
      unit: "CASE",
      versions: [["2026-01", 3000]],
      docs: ARREARS_DOCS,
    },
    {
      code: "MN002",
      cat: "MONITOR",
      name: "纳税辅导",
      nameEn: "Taxpayer guidance",
      unit: "VISIT",
      versions: [["2026-01", 2000]],
      docs: [["工作底稿", "Working paper"]],
    },
    {
      code: "SV009",
      cat: "SERVICE",
      name: "旧业务",
      nameEn: "Retired service",
      unit: "TXN",
      versions: [["2026-01", 100]],
      active: false,
    },
    {
      code: "SV010",
      cat: "SERVICE",
      name: "新业务",
      nameEn: "New service",
      unit: "TXN",
      versions: [["2026-12", 300]],
    },
  ];
  const items: Fixture["items"] = {};
  const docs: Record<string, string> = {};
  for (const d of defs) {
    const it = await db.workItem.create({
      data: {
        code: d.code,
        categoryCode: d.cat,
        name: d.name,
        nameEn: d.nameEn,
        unit: d.unit,
        // stored initials left empty on purpose for one item: the catalog computes them
        pinyinInitials: d.code === "SV001" ? "" : pinyinInitialsOf(d.name),
        isSample: true,
        active: d.active ?? true,
        versions: {
          create: d.versions.map(([effectiveMonth, points]) => ({
            effectiveMonth,
            points,
            reason: "initial catalog",
          })),
        },
        evidence: { create: (d.docs ?? []).map(([name, nameEn], i) => ({ name, nameEn, sortOrder: i })) },
      },
      include: { evidence: true },
    });
    items[d.code] = { id: it.id, code: it.code };
    for (const e of it.evidence) docs[`${d.code}:${e.nameEn}`] = e.id;
  }

  const s1 = await db.section.create({ data: { code: "S1", name: "综合办税股", nameEn: "Service section" } });
  const s2 = await db.section.create({ data: { code: "S2", name: "监控股", nameEn: "Monitoring section" } });
  const person = (
    slackUserId: string,
    name: string,
    sectionId: string | null,
    roles: string[],
    active = true,
  ) =>
    db.person.create({
      data: {
        slackUserId,
        name,
        sectionId,
        categoryCode: "SERVICE",
        active,
        roles: { create: roles.map((role) => ({ role: role as never })) },
      },
    });
  await person("UALICE", "Alice", s1.id, ["STAFF"]);
  await person("UBOB", "Bob", s2.id, ["STAFF"]);
  const carol = await person("UCAROL", "Carol", s1.id, ["STAFF", "SECTION_CHIEF"]);
  await person("UDAVE", "Dave", null, ["BRANCH_CHIEF", "ASSESSMENT_GROUP"]);
  await person("UEVE", "Eve", s1.id, ["STAFF"]);
  await db.sectionChief.create({ data: { sectionId: s1.id, personId: carol.id } });

  const people = {
    alice: await requireActor(db, "UALICE"),
    bob: await requireActor(db, "UBOB"),
    carol: await requireActor(db, "UCAROL"),
    dave: await requireActor(db, "UDAVE"),
    eve: await requireActor(db, "UEVE"),
  };
  await db.person.update({ where: { slackUserId: "UEVE" }, data: { active: false } });
  people.eve = { ...people.eve, active: false };
  return { items, docs, people, sections: { s1: s1.id, s2: s2.id } };
}

/** A clock the test sets; starts at 2026-11-20 10:00 in Shanghai. */
export function testClock(
  iso = "2026-11-20T10:00:00+08:00",
): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = new Date(iso);
  const clock = (() => new Date(now.getTime())) as Clock & {
    set(iso: string): void;
    advance(ms: number): void;
  };
  clock.set = (s: string) => {
    now = new Date(s);
  };
  clock.advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}

/** Removes every sheet, line and temporary task (the audit trail stays: it is append-only). */
export async function clearLogs(db: Database): Promise<void> {
  await db.sql.exec(`TRUNCATE "EntryEvidence", "Entry", "TempTask", "SheetTransition", "Sheet" CASCADE`);
}

/** Row counts of everything logging writes, to prove refused input wrote nothing. */
export async function countRows(db: Db): Promise<Record<string, number>> {
  const [sheets, entries, evidence, temps, transitions, auditOk] = await Promise.all([
    db.sheet.count(),
    db.entry.count(),
    db.entryEvidence.count(),
    db.tempTask.count(),
    db.sheetTransition.count(),
    db.auditLog.count({ where: { outcome: "OK" } }),
  ]);
  return { sheets, entries, evidence, temps, transitions, auditOk };
}
