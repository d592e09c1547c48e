/**
 * `/kpi why`: every step from a person's lines to their final and rank, as the scoring module explained
 * it (SCHEME.md "Scoring: the formula"), and whether replaying the steps reproduces the final. Pure.
 */
import { parseLineRef } from "../../domain/month-input.js";
import type { Lang, Translate } from "../../i18n/index.js";
import { formatHundredths, Rational } from "../../scoring/index.js";
import type { Explanation, StoredStep } from "../domain.js";
import {
  context,
  header,
  type KnownBlock,
  LIMITS,
  type Message,
  section,
  truncate,
  userText,
} from "./kit.js";

const h = (v: unknown) => formatHundredths(BigInt(String(v ?? 0)));
const r2 = (v: unknown) => Rational.parse(String(v ?? 0)).toFixed2();
const signed = (v: unknown) => {
  const n = BigInt(String(v ?? 0));
  return n > 0n ? `+${formatHundredths(n)}` : formatHundredths(n);
};

/** An exact value as a decimal: all digits when it terminates within 6 places, else 6 places and "…". */
export function exactDecimal(s: string): string {
  const r = Rational.parse(s);
  let den = r.den;
  let places = 0;
  while (den % 10n === 0n || den % 2n === 0n || den % 5n === 0n) {
    if (den % 10n === 0n) den /= 10n;
    else if (den % 2n === 0n) den /= 2n;
    else den /= 5n;
    places++;
    if (places > 6) break;
  }
  const terminating = den === 1n && places <= 6;
  const digits = terminating ? Math.max(places, 2) : 6;
  const scale = 10n ** BigInt(digits);
  const neg = r.num < 0n;
  const n = neg ? -r.num : r.num;
  const q = (n * scale) / r.den; // truncated; exact when terminating
  const txt = `${q / scale}.${(q % scale).toString().padStart(digits, "0")}`;
  return `${neg ? "-" : ""}${txt}${terminating ? "" : "…"}`;
}

function rankText(t: Translate, s: StoredStep | undefined): string {
  if (!s || s.rank === null || s.rank === undefined) return t("why.noSection");
  const shared = Number(s.sharedBy ?? 1);
  return shared > 1
    ? t("why.rankShared", { rank: s.rank, of: s.of, count: shared })
    : t("why.rankOf", { rank: s.rank, of: s.of });
}

export function whyMessage(t: Translate, lang: Lang, e: Explanation): Message {
  const name = lang === "en" && e.person.nameEn ? e.person.nameEn : e.person.name;
  const steps = e.steps;
  const of = (kind: string) => steps.filter((s) => s.kind === kind);
  const one = (kind: string) => steps.find((s) => s.kind === kind);
  const blocks: KnownBlock[] = [
    header(t("why.header", { final: formatHundredths(e.final), name: truncate(name, 40), month: e.month })),
  ];
  if (e.status === "preview") blocks.push(context([t("why.preview")]));

  const lines = of("line").map((s) => {
    const ref = parseLineRef((s.ref as string | null) ?? null);
    const code = ref?.itemCode ?? String(s.itemCode ?? "");
    const item = e.items[code];
    const itemName = item ? (lang === "en" ? item.nameEn : item.name) : String(s.label ?? "");
    return t("why.line", {
      code,
      item: userText(itemName, 40),
      version: ref?.effectiveMonth ?? "?",
      count: s.count,
      ppu: h(s.pointsPerUnit),
      points: h(s.points),
      lines: ref && ref.lines > 1 ? t("why.lineCount", { count: ref.lines }) : "",
    });
  });
  const temps = of("tempTask").map((s) =>
    s.priced
      ? t("why.temp", { label: userText(String(s.label ?? ""), 60), points: h(s.points) })
      : t("why.tempUnpriced", { label: userText(String(s.label ?? ""), 60) }),
  );
  // a month published with its lines summed: the total as published, under the lines read back
  const total = one("linesTotal");
  if (total && (lines.length > 0 || Number(total.lines) > 0))
    lines.push(t("why.linesTotal", { lines: total.lines, units: total.units, points: h(total.points) }));
  const part1 = [t("why.linesHeader"), ...(lines.length ? lines : [t("why.noLines")]), ...temps];
  // the lines can be many: as many sections as they need (at most 30 blocks of them)
  let cur = "";
  let sections = 0;
  for (const l of part1) {
    if (cur && cur.length + l.length + 1 > LIMITS.sectionText) {
      if (sections < 30) blocks.push(section(cur));
      sections++;
      cur = "";
    }
    cur = cur ? `${cur}\n${l}` : l;
  }
  if (cur) blocks.push(section(cur));

  const raw = one("raw");
  const gm = one("groupMax");
  const qty = one("quantity");
  const holders = ((gm?.maxHolders as string[] | undefined) ?? []).map((id) => e.names[id] ?? id);
  const text2 = [
    t("why.raw", { lines: h(raw?.linesRaw), temp: h(raw?.tempRaw), raw: h(raw?.raw) }),
    t("why.groupMax", {
      group: String(gm?.normGroup ?? e.categoryCode),
      members: gm?.members ?? 0,
      max: h(gm?.max),
      holders: holders.length
        ? t("why.holders", { names: holders.map((n) => userText(n, 20)).join(", ") })
        : "",
    }),
    qty?.zeroMax
      ? t("why.quantityZero")
      : t("why.quantity", { raw: h(qty?.raw), max: h(qty?.groupMax), value: r2(qty?.value) }),
  ];
  blocks.push(section(text2.join("\n")));

  const q: string[] = [t("why.qualityBase")];
  for (const s of of("qualityAdjustment")) {
    q.push(
      s.veto
        ? t("why.vetoItem", { reason: userText(String(s.reason ?? ""), 120) })
        : t("why.adjustment", {
            value: signed(s.value),
            reason: userText(String(s.reason ?? ""), 120),
            running: r2(s.runningTotal),
          }),
    );
  }
  const floor = one("qualityFloor");
  if (floor?.applied) q.push(t("why.floor", { before: r2(floor.before) }));
  if (one("veto")?.applied) q.push(t("why.vetoApplied"));
  q.push(t("why.quality", { value: r2(one("quality")?.value) }));
  blocks.push(section(truncate(q.join("\n"), LIMITS.sectionText)));

  const w = one("weights");
  const disc = one("discretionary");
  const fin = one("final");
  const round = one("round");
  const ranks = of("rank");
  blocks.push(
    section(
      [
        t("why.weights", {
          category: String(w?.categoryCode ?? e.categoryCode),
          quality: r2(one("quality")?.value),
          qw: w?.qualityWeight,
          qweighted: r2(w?.qualityWeighted),
          quantity: r2(qty?.value),
          nw: w?.quantityWeight,
          nweighted: r2(w?.quantityWeighted),
        }),
        t("why.discretionary", { value: h(disc?.value) }),
        t("why.final", {
          qweighted: exactDecimal(String(w?.qualityWeighted ?? "0")),
          nweighted: exactDecimal(String(w?.quantityWeighted ?? "0")),
          disc: h(disc?.value),
          exact: exactDecimal(String(fin?.value ?? "0")),
          final: h(round?.rounded),
        }),
        t("why.rank", {
          overall: rankText(
            t,
            ranks.find((s) => s.scope === "overall"),
          ),
          category: rankText(
            t,
            ranks.find((s) => s.scope === "category"),
          ),
          categoryCode: e.categoryCode,
          section: rankText(
            t,
            ranks.find((s) => s.scope === "section"),
          ),
        }),
      ].join("\n"),
    ),
  );
  blocks.push(
    context([
      e.replay.ok && e.replay.final === e.final
        ? t("why.replayOk", {
            final: formatHundredths(e.replay.final),
            status: t(e.status === "published" ? "why.statusPublished" : "why.statusPreview"),
          })
        : t("why.replayBad", {
            final: e.replay.final >= 0n ? formatHundredths(e.replay.final) : "?",
            stored: formatHundredths(e.final),
            problem: e.replay.problem ?? "",
          }),
    ]),
  );
  return {
    text: t("why.header", { final: formatHundredths(e.final), name, month: e.month }),
    blocks: blocks.slice(0, LIMITS.messageBlocks),
  };
}
