/**
 * A small organisation and catalog for the Slack tests: one section, a few staff (Chinese- and
 * English-speaking), a chief, a deactivated person, and items chosen to exercise matching, evidence
 * and plausibility. Created directly with Prisma (the demo seed is someone else's).
 */
import type { Db } from "../../src/db/client.js";
import type { FakeUser } from "../../src/emulator/index.js";

export const USERS = {
  zhang: "U0ZHANG",
  anna: "U0ANNA",
  li: "U0LI",
  chief: "U0CHIEF",
  gone: "U0GONE",
  stranger: "U0STRANGER",
  prefers: "U0PREFERS",
} as const;

/** Slack-side users (the fake's users.info answers their locale). */
export const FAKE_USERS: FakeUser[] = [
  { id: USERS.zhang, name: "zhang.wei", realName: "张伟", locale: "zh-CN", tz: "Asia/Shanghai" },
  { id: USERS.anna, name: "anna", realName: "Anna Schmidt", locale: "en-US", tz: "Asia/Shanghai" },
  { id: USERS.li, name: "li.na", realName: "李娜", locale: "zh-CN", tz: "Asia/Shanghai" },
  { id: USERS.chief, name: "wang.chief", realName: "王股长", locale: "zh-CN", tz: "Asia/Shanghai" },
  { id: USERS.gone, name: "gone", realName: "离职", locale: "zh-CN", tz: "Asia/Shanghai" },
  { id: USERS.stranger, name: "stranger", realName: "Stranger", locale: "en-GB", tz: "Asia/Shanghai" },
  { id: USERS.prefers, name: "prefers", realName: "Prefers English", locale: "zh-CN", tz: "Asia/Shanghai" },
];

export interface Fixtures {
  people: Record<keyof typeof USERS, string | undefined>;
  items: { invoice: string; invoiceIssue: string; archive: string; arrears: string; assessment: string };
  docs: { arrearsList: string; paymentDemand: string };
  sectionId: string;
}

export async function seedFixtures(db: Db): Promise<Fixtures> {
  await db.category.create({
    data: {
      code: "SERVICE",
      name: "综合办税",
      nameEn: "Comprehensive tax service",
      coefficientGroup: "A",
      sortOrder: 1,
    },
  });
  await db.categoryWeight.create({
    data: {
      categoryCode: "SERVICE",
      effectiveMonth: "2026-01",
      qualityWeight: "0.4",
      quantityWeight: "0.6",
      normGroup: "SERVICE",
    },
  });
  const section = await db.section.create({
    data: { code: "S1", name: "办税服务股", nameEn: "Tax service section" },
  });

  const person = async (
    slackUserId: string,
    name: string,
    roles: ("STAFF" | "SECTION_CHIEF" | "BRANCH_CHIEF")[],
    extra: { locale?: string; active?: boolean; nameEn?: string } = {},
  ) => {
    const p = await db.person.create({
      data: {
        slackUserId,
        name,
        nameEn: extra.nameEn ?? null,
        locale: extra.locale ?? null,
        active: extra.active ?? true,
        sectionId: section.id,
        categoryCode: "SERVICE",
        roles: { create: roles.map((role) => ({ role })) },
      },
    });
    return p.id;
  };
  const people = {
    zhang: await person(USERS.zhang, "张伟", ["STAFF"]),
    anna: await person(USERS.anna, "安娜", ["STAFF"], { nameEn: "Anna Schmidt" }),
    li: await person(USERS.li, "李娜", ["STAFF"]),
    chief: await person(USERS.chief, "王股长", ["STAFF", "SECTION_CHIEF"]),
    gone: await person(USERS.gone, "离职人员", ["STAFF"], { active: false }),
    prefers: await person(USERS.prefers, "刘洋", ["STAFF"], { locale: "en" }),
    stranger: undefined,
  };
  await db.sectionChief.create({ data: { sectionId: section.id, personId: people.chief } });

  const item = async (
    code: string,
    name: string,
    nameEn: string,
    unit: string,
    pinyinInitials: string,
    points: number,
    evidence: [string, string][] = [],
  ) => {
    const w = await db.workItem.create({
      data: {
        code,
        categoryCode: "SERVICE",
        name,
        nameEn,
        unit,
        pinyinInitials,
        versions: { create: [{ points, effectiveMonth: "2026-01", reason: "initial catalog" }] },
        evidence: { create: evidence.map(([n, e], i) => ({ name: n, nameEn: e, sortOrder: i })) },
      },
      include: { evidence: { orderBy: { sortOrder: "asc" } } },
    });
    return w;
  };
  const invoice = await item("SV001", "发票发售", "Invoice sales", "TXN", "fpfs", 300);
  const invoiceIssue = await item("SV002", "发票代开", "Invoice issuing on behalf", "TXN", "fpdk", 500);
  const archive = await item("SV003", "档案归集整理", "Archive filing", "DOC", "dagjzl", 200);
  const arrears = await item("SV004", "催报催缴", "Arrears collection", "CASE", "cbcj", 3000, [
    ["欠税清册", "Arrears list"],
    ["催缴税款通知书", "Payment demand"],
  ]);
  const assessment = await item("AS001", "纳税评估", "Tax assessment", "CASE", "nspg", 12000);
  return {
    people,
    items: {
      invoice: invoice.id,
      invoiceIssue: invoiceIssue.id,
      archive: archive.id,
      arrears: arrears.id,
      assessment: assessment.id,
    },
    docs: { arrearsList: arrears.evidence[0]!.id, paymentDemand: arrears.evidence[1]!.id },
    sectionId: section.id,
  };
}
