import { Resvg } from "@resvg/resvg-js";
import { describe, expect, it } from "vitest";
import {
  buildRankingChartSvg,
  chartFontPath,
  renderRankingChartPng,
  svgToPng,
} from "../../src/charts/ranking.js";

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, after checking the signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe("IHDR");
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const rows = [
  { name: "王芳", category: "纳税服务", final: "103.00" },
  { name: "李娜", category: "纳税服务", final: "95.00" },
  { name: "张伟", category: "税收征管", final: "98.50" },
  { name: "Alice Zhang", category: "综合管理", final: "30.00" },
];

/** How many pixels differ between two renderings of the same size. */
function diffPixels(a: string, b: string): number {
  const opts = { font: { loadSystemFonts: false, fontFiles: [chartFontPath()] }, background: "#fff" };
  const pa = new Resvg(a, opts).render().pixels;
  const pb = new Resvg(b, opts).render().pixels;
  expect(pa.length).toBe(pb.length);
  let n = 0;
  for (let i = 0; i < pa.length; i += 4)
    if (pa[i] !== pb[i] || pa[i + 1] !== pb[i + 1] || pa[i + 2] !== pb[i + 2]) n++;
  return n;
}

describe("renderRankingChartPng", () => {
  it("is a valid PNG whose size is the chart's, growing with the number of people", async () => {
    const png = await renderRankingChartPng({ title: "2026-10 排名", lang: "zh-CN", rows });
    const { svg, width, height } = buildRankingChartSvg({ title: "2026-10 排名", lang: "zh-CN", rows });
    expect(pngSize(png)).toEqual({ width, height });
    expect(width).toBe(960);
    const bigger = buildRankingChartSvg({ title: "t", lang: "en", rows: [...rows, ...rows] });
    expect(bigger.height).toBe(height + rows.length * 24);
    // the SVG holds every name, every final, the title and each category once in the legend
    for (const r of rows) {
      expect(svg).toContain(r.name);
      expect(svg).toContain(r.final);
      expect(svg).toContain(r.category);
    }
    expect(svg).toContain("2026-10 排名");
  });

  it("draws Chinese text with the shipped font: glyphs differ per character, not empty boxes", async () => {
    const chart = (name: string) =>
      buildRankingChartSvg({
        title: "标题",
        lang: "zh-CN",
        rows: [{ name, category: "纳税服务", final: "90.00" }],
      }).svg;
    // a CJK name changes pixels compared with the same chart whose label is a blank of the same length
    expect(diffPixels(chart("王芳"), chart("　　"))).toBeGreaterThan(50);
    // two different names of the same length render differently (missing glyphs would be identical boxes)
    expect(diffPixels(chart("王芳"), chart("李娜"))).toBeGreaterThan(50);
    // the PNGs differ as files too
    const a = await svgToPng(chart("王芳"));
    const b = await svgToPng(chart("李娜"));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });

  it("keeps every bar of one person in one row, sorted by final, coloured by category", () => {
    const { svg } = buildRankingChartSvg({ title: "t", lang: "en", rows });
    // labels carry the position after sorting by final
    expect(svg).toContain("1. 王芳");
    expect(svg).toContain("2. 张伟");
    expect(svg).toContain("3. 李娜");
    expect(svg).toContain("4. Alice Zhang");
    // first category takes the palette's first colour, the second the second
    expect(svg).toContain("#5470c6");
    expect(svg).toContain("#91cc75");
  });

  it("renders 250 people and an empty month", async () => {
    const many = Array.from({ length: 250 }, (_, i) => ({
      name: `员工${String(i).padStart(3, "0")}`,
      category: ["纳税服务", "税收征管", "风险管理", "法制", "综合管理"][i % 5]!,
      final: (300 - i).toFixed(2),
    }));
    const png = await renderRankingChartPng({ title: "250", lang: "zh-CN", rows: many });
    const size = pngSize(png);
    expect(size.width).toBe(960);
    expect(size.height).toBe(96 + 250 * 24 + 48);
    const { svg } = buildRankingChartSvg({ title: "250", lang: "zh-CN", rows: many });
    expect(svg).toContain("250. 员工249");
    const empty = await renderRankingChartPng({ title: "空", lang: "zh-CN", rows: [] });
    expect(pngSize(empty).height).toBe(96 + 24 + 48);
    expect(buildRankingChartSvg({ title: "none", lang: "en", rows: [] }).svg).toContain("No results");
  });
});

describe("ties", () => {
  it("share a rank in the labels (1, 2, 2, 4)", () => {
    const { svg } = buildRankingChartSvg({
      title: "t",
      lang: "en",
      rows: [
        { name: "A", category: "x", final: "90.00" },
        { name: "B", category: "x", final: "80.00" },
        { name: "C", category: "y", final: "80.00" },
        { name: "D", category: "y", final: "70.00" },
      ],
    });
    for (const l of ["1. A", "2. B", "2. C", "4. D"]) expect(svg).toContain(l);
  });
});

describe("font subset", () => {
  it("draws what the full font draws, from a much smaller file", async () => {
    const { subsetFont } = await import("../../src/charts/font-subset.js");
    const { mkdtempSync, readFileSync, rmSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const { svg, width, height } = buildRankingChartSvg({ title: "2026年10月 排名", lang: "zh-CN", rows });
    const full = new Uint8Array(readFileSync(chartFontPath()));
    const sub = subsetFont(full, svg);
    expect(sub.length).toBeLessThan(full.length / 10);
    expect(pngSize(await svgToPng(svg))).toEqual({ width, height });
    const dir = mkdtempSync(path.join(tmpdir(), "subset-test-"));
    try {
      writeFileSync(path.join(dir, "s.ttf"), sub);
      const px = (file: string) =>
        new Resvg(svg, {
          font: { loadSystemFonts: false, fontFiles: [file], defaultFontFamily: "Noto Sans SC" },
          background: "#fff",
        }).render().pixels;
      const ps = px(path.join(dir, "s.ttf"));
      const pf = px(chartFontPath());
      let differ = 0;
      for (let i = 0; i < ps.length; i += 4)
        if (ps[i] !== pf[i] || ps[i + 1] !== pf[i + 1] || ps[i + 2] !== pf[i + 2]) differ++;
      // only glyph substitutions (GSUB, dropped) may differ: a handful of anti-aliased pixels
      expect(differ).toBeLessThan((ps.length / 4) * 0.001);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("many charts at once", () => {
  it("more concurrent charts than cached subsets all get their font", async () => {
    const names = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张".split("");
    const chart = (name: string) => ({
      title: `${name}月报`,
      lang: "zh-CN" as const,
      rows: [{ name: `${name}${name}`, category: "纳税服务", final: "90.00" }],
    });
    const together = await Promise.all(names.map((n) => renderRankingChartPng(chart(n))));
    // each equals the same chart drawn alone, and differs from one without the glyphs drawn
    for (const [i, n] of names.entries()) {
      const alone = await renderRankingChartPng(chart(n));
      expect(Buffer.from(together[i]!).equals(Buffer.from(alone))).toBe(true);
    }
    expect(Buffer.from(together[0]!).equals(Buffer.from(together[1]!))).toBe(false);
  });
});
