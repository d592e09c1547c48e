/**
 * The month's ranking as a PNG image (issue 6 item 5): a horizontal bar chart of finals, one bar per
 * person, coloured by work category with a legend.
 *
 * Rendered server side without a browser: echarts 6 in SSR mode draws an SVG string, and resvg
 * (@resvg/resvg-js) rasterises it to PNG. Text uses only the Noto Sans SC font shipped with the
 * project as an npm package (@expo-google-fonts/noto-sans-sc, OFL-1.1), with system fonts switched
 * off, so Chinese names render the same on every machine (and never as empty boxes).
 *
 * Pure apart from reading the font file (resolved once; resvg reads the file while rendering).
 * Bars are sorted by final, highest first (ties keep the input order) and labelled with the
 * competition rank (1, 2, 2, 4); colours are given to the
 * categories in the order they first appear in the input. The image grows 24 px per person, so 200+
 * people make a tall but legible image.
 */
import { createRequire } from "node:module";
import { renderAsync } from "@resvg/resvg-js";
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TitleComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

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

/** Rasterises an SVG with only the shipped CJK font (no system fonts). */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const image = await renderAsync(svg, {
    background: "#ffffff",
    font: {
      loadSystemFonts: false,
      fontFiles: [chartFontPath()],
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
    },
  });
  return new Uint8Array(image.asPng());
}

export async function renderRankingChartPng(input: RankingChartInput): Promise<Uint8Array> {
  return svgToPng(buildRankingChartSvg(input).svg);
}
