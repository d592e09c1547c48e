import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/client.js";
import {
  CatalogCache,
  type CatalogItem,
  matchItems,
  pinyinInitialsOf,
  pointVersionInForce,
  recentItems,
  resolveItem,
} from "../../src/domain/catalog.js";
import { DomainError } from "../../src/domain/errors.js";
import { logWork } from "../../src/domain/logging.js";
import { createTestDatabase, usingPostgres } from "../helpers/db.js";
import { type Fixture, seedFixtures, TZ, testClock } from "./fixtures.js";

let db: Database;
let fx: Fixture;
let items: CatalogItem[];

beforeAll(async () => {
  db = await createTestDatabase();
  fx = await seedFixtures(db.prisma);
  items = await new CatalogCache(db.prisma).items("2026-11");
});
afterAll(async () => {
  await db?.close();
});

const codeOf = (i?: CatalogItem) => i?.code;

describe(`catalog (${usingPostgres ? "PostgreSQL" : "PGlite"})`, () => {
  it("loads active items priced for the month, with the version in force and the required documents", async () => {
    const codes = items.map((i) => i.code);
    expect(codes).toEqual(["MN001", "MN002", "SV001", "SV002", "SV003", "SV004"]);
    expect(items.find((i) => i.code === "SV001")).toMatchObject({
      points: 500,
      name: "发票发售",
      pinyinInitials: "fpfs",
    });
    expect(items.find((i) => i.code === "SV002")?.points).toBe(1000);
    expect(items.find((i) => i.code === "MN001")?.evidence.map((e) => e.name)).toEqual([
      "欠税清册",
      "欠税公告",
      "催缴税款通知书",
      "税务行政处罚决定书",
      "税务行政处罚告知书",
      "信息传递单",
    ]);
    const cache = new CatalogCache(db.prisma);
    expect((await cache.items("2026-10")).find((i) => i.code === "SV002")?.points).toBe(800);
    expect((await cache.items("2026-12")).map((i) => i.code)).toContain("SV010");
  });

  it("serves from memory within the ttl and reloads after it or after invalidate()", async () => {
    let t = 0;
    const cache = new CatalogCache(db.prisma, { ttlMs: 1000, now: () => t });
    expect((await cache.items("2026-11")).length).toBe(6);
    const extra = await db.prisma.workItem.create({
      data: {
        code: "ZZ001",
        categoryCode: "SERVICE",
        name: "测试",
        nameEn: "Test",
        unit: "TXN",
        pinyinInitials: "cs",
        versions: { create: { effectiveMonth: "2026-01", points: 1, reason: "t" } },
      },
    });
    try {
      expect((await cache.items("2026-11")).length).toBe(6);
      t = 1500;
      expect((await cache.items("2026-11")).length).toBe(7);
      await db.prisma.workItem.update({ where: { id: extra.id }, data: { active: false } });
      expect((await cache.items("2026-11")).length).toBe(7);
      cache.invalidate();
      expect((await cache.items("2026-11")).length).toBe(6);
    } finally {
      await db.prisma.workItem.delete({ where: { id: extra.id } });
    }
  });

  it("computes pinyin initials", () => {
    expect(pinyinInitialsOf("发票发售")).toBe("fpfs");
    expect(pinyinInitialsOf("催报催缴")).toBe("cbcj");
  });

  it("pointVersionInForce picks the latest version effective on or before the month", async () => {
    expect((await pointVersionInForce(db.prisma, fx.items.SV002!.id, "2026-10"))?.points).toBe(800);
    expect((await pointVersionInForce(db.prisma, fx.items.SV002!.id, "2026-11"))?.points).toBe(1000);
    expect((await pointVersionInForce(db.prisma, fx.items.SV002!.id, "2027-05"))?.points).toBe(1000);
    expect(await pointVersionInForce(db.prisma, fx.items.SV010!.id, "2026-11")).toBeNull();
  });

  it("recentItems puts recent and frequent items first", async () => {
    const clock = testClock();
    const deps = { clock, timeZone: TZ };
    const alice = fx.people.alice;
    const log = async (code: string) => {
      clock.advance(61_000);
      const r = await logWork(db.prisma, deps, alice, {
        itemId: fx.items[code]!.id,
        count: 1,
        workDate: "2026-11-20",
      });
      expect(r.status).toBe("logged");
    };
    for (const c of ["SV003", "SV003", "SV003", "SV004", "SV004", "MN002", "SV001"]) await log(c);
    const ids = await recentItems(db.prisma, alice.personId, 4);
    const code = (id: string) => Object.values(fx.items).find((i) => i.id === id)?.code;
    // two most recent (SV001, MN002), then by frequency (SV003 ×3, SV004 ×2)
    expect(ids.map(code)).toEqual(["SV001", "MN002", "SV003", "SV004"]);
    expect(await recentItems(db.prisma, fx.people.bob.personId)).toEqual([]);
  });
});

describe("matchItems", () => {
  it("matches a code exactly, case-insensitively", () => {
    expect(codeOf(matchItems(items, "SV001").exact)).toBe("SV001");
    expect(codeOf(matchItems(items, "sv001").exact)).toBe("SV001");
    expect(codeOf(matchItems(items, " mn001 ").exact)).toBe("MN001");
  });

  it("matches a Chinese name exactly or by a distinctive substring", () => {
    expect(codeOf(matchItems(items, "发票发售").exact)).toBe("SV001");
    expect(codeOf(matchItems(items, "催缴").exact)).toBe("MN001");
    expect(codeOf(matchItems(items, "档案").exact)).toBe("SV004");
  });

  it("matches an English name with a typo", () => {
    expect(codeOf(matchItems(items, "Invoice sales").exact)).toBe("SV001");
    expect(codeOf(matchItems(items, "invoce sale").exact)).toBe("SV001");
    expect(codeOf(matchItems(items, "arrears colection").exact)).toBe("MN001");
    expect(codeOf(matchItems(items, "registration").exact)).toBe("SV003");
  });

  it("matches pinyin initials (computed when the stored ones are empty)", () => {
    expect(codeOf(matchItems(items, "fpfs").exact)).toBe("SV001");
    expect(codeOf(matchItems(items, "FPFS").exact)).toBe("SV001");
    expect(codeOf(matchItems(items, "cbcj").exact)).toBe("MN001");
  });

  it("offers candidates when ambiguous", () => {
    const m = matchItems(items, "发票");
    expect(m.exact).toBeUndefined();
    expect(m.candidates.map((c) => c.item.code).sort()).toEqual(["SV001", "SV002"]);
    const inv = matchItems(items, "invoice");
    expect(inv.exact).toBeUndefined();
    expect(inv.candidates.map((c) => c.item.code).sort()).toEqual(["SV001", "SV002"]);
    const fp = matchItems(items, "fp");
    expect(fp.exact).toBeUndefined();
    expect(fp.candidates.map((c) => c.item.code).sort()).toEqual(["SV001", "SV002"]);
  });

  it("suggests the closest items for an unknown query", () => {
    const m = matchItems(items, "SV0O1x");
    expect(m.exact).toBeUndefined();
    expect(m.candidates.length).toBeGreaterThan(0);
    expect(m.candidates.every((c) => c.score < 0.5)).toBe(true);
    expect(matchItems(items, "🎉")).toEqual({ candidates: [] });
    expect(matchItems(items, "").candidates).toEqual([]);
  });

  it("resolveItem throws item.unknown with the closest matches", () => {
    expect(resolveItem(items, "fpfs").item?.code).toBe("SV001");
    expect(
      resolveItem(items, "发票")
        .candidates?.map((i) => i.code)
        .sort(),
    ).toEqual(["SV001", "SV002"]);
    try {
      resolveItem(items, "zzzzzz税务");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      const d = e as DomainError;
      expect(d.code).toBe("item.unknown");
      expect(d.params.query).toBe("zzzzzz税务");
      expect(Array.isArray(d.params.suggestions)).toBe(true);
      expect((d.params.suggestions as unknown[]).length).toBeGreaterThan(0);
      expect(d.params.closestZh).toContain("税务");
    }
    expect(() => resolveItem(items, `'; DROP TABLE "Entry"; --`)).toThrow(/item.unknown/);
  });
});
