/**
 * The month's ranking as a PNG image (issue 6 item 5): a horizontal bar chart of finals, one bar per
 * person, coloured by work category with a legend.
 *
 * Rendered server side without a browser: echarts 6 in SSR mode draws an SVG string, and resvg
 * (@resvg/resvg-js) rasterises it to PNG. Text uses only the Noto Sans SC font shipped with the
 * project as an npm package (@expo-google-fonts/noto-sans-sc, OFL-1.1), with system fonts switched
 * off, so Chinese names render the same on every machine (and never as empty boxes).
 *
 * Pure apart from the font: the TTF is read once per process; each image is drawn with a subset of it
 * holding only the glyphs it needs, written to a temporary file (resvg-js 2.6.2 takes font paths only
 * and re-reads the file for every text run: with the 10 MB original, time grew ~10 ms per label;
 * see font-subset.ts). Subsets are reused for the same characters and removed at exit.
 * Bars are sorted by final, highest first (ties keep the input order) and labelled with the
 * competition rank (1, 2, 2, 4); colours are given to the
 * categories in the order they first appear in the input. The image grows 24 px per person, so 200+
 * people make a tall but legible image.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { renderAsync } from "@resvg/resvg-js";
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { subsetFont } from "./font-subset.js";

echarts.use([BarChart, GridComponent, LegendComponent, TitleComponent, SVGRenderer]);

export interface RankingChartRow {
  name: string;
  /** display name of the person's work category (legend entry and colour) */
  category: string;
  /** the final as a 2-decimal string, e.g. "103.00" (shown as the bar's label, exactly) */
  final: string;
}

export interface RankingChartInput {
  title: string;
  lang: "zh-CN" | "en";
  rows: RankingChartRow[];
}

/** The family name inside NotoSansSC_400Regular.ttf. */
export const CHART_FONT_FAMILY = "Noto Sans SC";

let fontPath: string | undefined;
/** Absolute path of the shipped Noto Sans SC TTF (resolved through Node's module resolution). */
export function chartFontPath(): string {
  if (!fontPath) {
    const require = createRequire(import.meta.url);
    fontPath = require.resolve("@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf");
  }
  return fontPath;
}

const PALETTE = [
  "#5470c6",
  "#91cc75",
  "#fac858",
  "#ee6666",
  "#73c0de",
  "#3ba272",
  "#fc8452",
  "#9a60b4",
  "#ea7ccc",
  "#2f4554",
];

const WIDTH = 960;
const ROW_HEIGHT = 24;
const TOP = 96; // title + legend
const BOTTOM = 48; // value axis and its name
const FONT_SIZE = 13;

const TEXT = {
  "zh-CN": { axis: "最终得分", empty: "暂无结果" },
  en: { axis: "Final score", empty: "No results" },
} as const;

/** Approximate rendered width of a label: CJK and other wide characters count as one em. */
function textWidth(s: string, size: number): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    w += cp >= 0x1100 ? size : cp >= 0x41 && cp <= 0x5a ? size * 0.68 : size * 0.58;
  }
  return Math.ceil(w);
}

/** The chart as an SVG string (exported for tests; `renderRankingChartPng` rasterises it). */
export function buildRankingChartSvg(input: RankingChartInput): {
  svg: string;
  width: number;
  height: number;
} {
  const text = TEXT[input.lang];
  const rows = input.rows
    .map((r, i) => ({ ...r, value: Number(r.final), i }))
    .sort((a, b) => b.value - a.value || a.i - b.i);
  const categories: string[] = [];
  for (const r of rows) if (!categories.includes(r.category)) categories.push(r.category);

  // competition rank from the finals (1, 2, 2, 4), as in the published ranking
  const labels = rows.map((r) => `${1 + rows.filter((o) => o.value > r.value).length}. ${r.name}`);
  const labelWidth = Math.min(260, Math.max(60, ...labels.map((l) => textWidth(l, FONT_SIZE)))) + 12;
  const height = TOP + Math.max(1, rows.length) * ROW_HEIGHT + BOTTOM;
  const maxValue = Math.max(0, ...rows.map((r) => r.value));
  const minValue = Math.min(0, ...rows.map((r) => r.value));

  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: WIDTH, height });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: "#ffffff",
      color: PALETTE,
      textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: FONT_SIZE },
      title: {
        text: input.title,
        left: "center",
        top: 12,
        textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 18, fontWeight: "normal" },
        ...(rows.length === 0
          ? { subtext: text.empty, subtextStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 14 } }
          : {}),
      },
      legend: {
        top: 48,
        left: "center",
        data: categories,
        textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: FONT_SIZE },
      },
      grid: { left: labelWidth, right: 72, top: TOP, bottom: BOTTOM },
      xAxis: {
        type: "value",
        min: minValue < 0 ? undefined : 0,
        max: maxValue > 0 ? undefined : 1,
        name: text.axis,
        nameLocation: "middle",
        nameGap: 26,
        nameTextStyle: { fontFamily: CHART_FONT_FAMILY },
        axisLabel: { fontFamily: CHART_FONT_FAMILY },
      },
      yAxis: {
        type: "category",
        inverse: true,
        // indexes, not names: two people may share a name
        data: rows.map((_, i) => String(i)),
        axisTick: { show: false },
        axisLabel: {
          interval: 0,
          fontFamily: CHART_FONT_FAMILY,
          fontSize: FONT_SIZE,
          formatter: (v: string) => labels[Number(v)] ?? "",
        },
      },
      series: categories.map((c) => ({
        name: c,
        type: "bar",
        stack: "final", // one bar per row: each row has a value in exactly one series
        barMaxWidth: 18,
        label: {
          show: true,
          position: "right",
          fontFamily: CHART_FONT_FAMILY,
          fontSize: FONT_SIZE - 1,
          formatter: (p: { dataIndex: number }) => rows[p.dataIndex]?.final ?? "",
        },
        data: rows.map((r) => (r.category === c ? r.value : null)),
      })),
    });
    return { svg: chart.renderToSVGString(), width: WIDTH, height };
  } finally {
    chart.dispose();
  }
}

let fontBytes: Uint8Array | undefined;
let subsetDir: string | undefined;
const subsets = new Map<string, string>(); // characters' hash → subset file, oldest first
const MAX_SUBSETS = 16;
const inUse = new Map<string, number>(); // subset file → renders reading it now

/**
 * A subset of the chart font for the characters of `svg`, as a file resvg can load, marked in use
 * (release it with `releaseSubset`).
 */
function acquireSubsetFile(svg: string): string {
  fontBytes ??= new Uint8Array(readFileSync(chartFontPath()));
  const text = svg.replace(/&#(x[0-9a-f]+|\d+);/gi, (_m, n: string) =>
    String.fromCodePoint(n[0] === "x" || n[0] === "X" ? Number.parseInt(n.slice(1), 16) : Number(n)),
  );
  const chars = [...new Set(Array.from(text).filter((c) => c.codePointAt(0)! > 0x7e))].sort().join("");
  const key = createHash("sha1").update(chars).digest("hex").slice(0, 16);
  let hit = subsets.get(key);
  if (hit && !existsSync(hit)) {
    // removed behind our back (a temp cleaner on a long-running server): make it again
    subsets.delete(key);
    hit = undefined;
  }
  if (hit) {
    subsets.delete(key);
    subsets.set(key, hit);
    inUse.set(hit, (inUse.get(hit) ?? 0) + 1);
    return hit;
  }
  if (!subsetDir) {
    const dir = mkdtempSync(path.join(tmpdir(), "kpi-chart-font-"));
    subsetDir = dir;
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  const file = path.join(subsetDir, `${key}.ttf`);
  mkdirSync(subsetDir, { recursive: true });
  writeFileSync(file, subsetFont(fontBytes, chars));
  subsets.set(key, file);
  inUse.set(file, 1);
  evictSubsets();
  return file;
}

function releaseSubset(file: string): void {
  const n = (inUse.get(file) ?? 1) - 1;
  if (n > 0) inUse.set(file, n);
  else inUse.delete(file);
  evictSubsets();
}

/** Drops the oldest subsets beyond MAX_SUBSETS, never one a render is still reading. */
function evictSubsets(): void {
  for (const [key, file] of subsets) {
    if (subsets.size <= MAX_SUBSETS) return;
    if (inUse.has(file)) continue;
    subsets.delete(key);
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  }
}

/** Rasterises an SVG with only the shipped CJK font (no system fonts). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const file = acquireSubsetFile(svg);
  try {
    const image = await renderAsync(svg, {
      background: "#ffffff",
      font: {
        loadSystemFonts: false,
        fontFiles: [file],
        defaultFontFamily: CHART_FONT_FAMILY,
        sansSerifFamily: CHART_FONT_FAMILY,
      },
    });
    return new Uint8Array(image.asPng());
  } finally {
    releaseSubset(file);
  }
}

export async function renderRankingChartPng(input: RankingChartInput): Promise<Uint8Array> {
  return svgToPng(buildRankingChartSvg(input).svg);
}
