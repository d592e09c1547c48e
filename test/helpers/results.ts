/**
 * Persisted month results for tests of what reads them (exports, quarter summary), written the way a
 * publish writes them: computeMonth over loadMonthInput, one MonthResult per person with every
 * component, and the MonthClose marked PUBLISHED. (The real publish is the close feature's; these
 * tests only need its output.)
 */
import type { Database } from "../../src/db/client.js";
import { toJson } from "../../src/domain/audit.js";
import { loadMonthInput } from "../../src/domain/month-input.js";
import { competitionRanks, computeMonth, type MonthResult, Rational } from "../../src/scoring/index.js";

/** An exact rational as a Decimal(14,6) string, half up. */
function decimal6(r: Rational): string {
  const micro = r.mul(Rational.of(10_000n)).toHundredthsHalfUp();
  const neg = micro < 0n;
  const abs = neg ? -micro : micro;
  const s = abs.toString().padStart(7, "0");
  return `${neg ? "-" : ""}${s.slice(0, -6)}.${s.slice(-6)}`;
}

export async function publishComputed(db: Database, month: string, publish = true): Promise<MonthResult> {
  const loaded = await loadMonthInput(db, month);
  const result = computeMonth(loaded.input);
  await db.prisma.$transaction(async (tx) => {
    for (const r of result.people) {
      await tx.monthResult.create({
        data: {
          month,
          personId: r.personId,
          categoryCode: r.categoryCode,
          sectionId: r.sectionId,
          normGroup: r.normGroup,
          raw: r.raw,
          groupMax: r.groupMax,
          quantity: decimal6(r.quantity),
          quality: decimal6(r.quality),
          vetoed: r.vetoed,
          qualityWeight: r.qualityWeight,
          quantityWeight: r.quantityWeight,
          discretionary: r.discretionary,
          final: r.finalRounded,
          rankOverall: r.rankOverall,
          rankCategory: r.rankCategory,
          rankSection: r.rankSection,
          steps: toJson(r.steps) as never,
        },
      });
    }
    await tx.monthClose.upsert({
      where: { month },
      create: { month, state: publish ? "PUBLISHED" : "OPEN", publishedAt: publish ? new Date() : null },
      update: { state: publish ? "PUBLISHED" : "OPEN" },
    });
  });
  return result;
}

/**
 * A published month with chosen finals (hundredths) for some people (by Slack id): every other
 * component is a plausible filler; ranks are computed from the finals.
 */
export async function publishFinals(
  db: Database,
  month: string,
  finals: Record<string, bigint>,
): Promise<void> {
  const people = await db.prisma.person.findMany({ where: { slackUserId: { in: Object.keys(finals) } } });
  const list = people.map((p) => ({ p, final: finals[p.slackUserId]! }));
  const ranks = competitionRanks(list.map((x) => x.final));
  await db.prisma.$transaction(async (tx) => {
    for (const [i, { p, final }] of list.entries()) {
      await tx.monthResult.create({
        data: {
          month,
          personId: p.id,
          categoryCode: p.categoryCode ?? "SERVICE",
          sectionId: p.sectionId,
          normGroup: p.categoryCode ?? "SERVICE",
          raw: 100000n,
          groupMax: 100000n,
          quantity: "100",
          quality: "100",
          vetoed: false,
          qualityWeight: "0.4",
          quantityWeight: "0.6",
          discretionary: 0n,
          final,
          rankOverall: ranks[i]!,
          rankCategory: ranks[i]!,
          rankSection: null,
          steps: [],
        },
      });
    }
    await tx.monthClose.create({ data: { month, state: "PUBLISHED", publishedAt: new Date() } });
  });
}
