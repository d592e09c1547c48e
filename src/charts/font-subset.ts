/**
 * A minimal TrueType subsetter for the chart font, because of how resvg-js 2.6.2 reads fonts: it only
 * takes font *paths*, and re-reads the whole file every time it needs glyph data (strace: 389 opens of
 * the 10 MB Noto Sans SC file for a 20-person chart), so rendering time grew with every label. The
 * subset keeps the glyph ids and every table needed to draw, but empties the outlines of glyphs the
 * chart does not use (a few hundred KB instead of 10 MB).
 *
 * Kept as is: cmap, head (loca format patched), hhea, hmtx, maxp, name, OS/2, post, GPOS/GDEF (kerning
 * only moves glyphs), and the rest. Dropped: GSUB (a substitution could lead to a glyph that was
 * emptied; chart labels need no ligatures), vhea/vmtx (no vertical text). glyf/loca are rebuilt with the used glyphs
 * (the ones mapped from the text's characters, .notdef, and the components of composite glyphs).
 * The font's licence (SIL OFL 1.1) allows modified copies; this one only lives in a temporary file.
 */

const DROP = new Set(["GSUB", "vhea", "vmtx", "DSIG"]);

interface TableRecord {
  tag: string;
  offset: number;
  length: number;
}

function tables(font: Uint8Array): Map<string, TableRecord> {
  const v = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const count = v.getUint16(4);
  const out = new Map<string, TableRecord>();
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    const tag = String.fromCharCode(font[at]!, font[at + 1]!, font[at + 2]!, font[at + 3]!);
    out.set(tag, { tag, offset: v.getUint32(at + 8), length: v.getUint32(at + 12) });
  }
  return out;
}

/** code point → glyph id, from the best Unicode cmap subtable (format 12, else format 4). */
function cmapLookup(font: Uint8Array, cmap: TableRecord): (cp: number) => number {
  const v = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const n = v.getUint16(cmap.offset + 2);
  let f12 = -1;
  let f4 = -1;
  for (let i = 0; i < n; i++) {
    const rec = cmap.offset + 4 + 8 * i;
    const platform = v.getUint16(rec);
    const encoding = v.getUint16(rec + 2);
    const sub = cmap.offset + v.getUint32(rec + 4);
    const format = v.getUint16(sub);
    if (format === 12 && (platform === 0 || (platform === 3 && encoding === 10))) f12 = sub;
    if (format === 4 && (platform === 0 || (platform === 3 && encoding === 1))) f4 = sub;
  }
  if (f12 >= 0) {
    const groups = v.getUint32(f12 + 12);
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = f12 + 16 + 12 * mid;
        const start = v.getUint32(g);
        const end = v.getUint32(g + 4);
        if (cp < start) hi = mid - 1;
        else if (cp > end) lo = mid + 1;
        else return v.getUint32(g + 8) + (cp - start);
      }
      return 0;
    };
  }
  if (f4 >= 0) {
    const segX2 = v.getUint16(f4 + 6);
    const ends = f4 + 14;
    const starts = ends + segX2 + 2;
    const deltas = starts + segX2;
    const ranges = deltas + segX2;
    return (cp) => {
      if (cp > 0xffff) return 0;
      for (let i = 0; i < segX2; i += 2) {
        if (cp > v.getUint16(ends + i)) continue;
        const start = v.getUint16(starts + i);
        if (cp < start) return 0;
        const delta = v.getInt16(deltas + i);
        const rangeOffset = v.getUint16(ranges + i);
        if (rangeOffset === 0) return (cp + delta) & 0xffff;
        const g = v.getUint16(ranges + i + rangeOffset + 2 * (cp - start));
        return g === 0 ? 0 : (g + delta) & 0xffff;
      }
      return 0;
    };
  }
  throw new Error("font has no Unicode cmap");
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  const padded = bytes.length % 4 ? new Uint8Array(bytes.length + (4 - (bytes.length % 4))) : bytes;
  if (padded !== bytes) padded.set(bytes);
  const v = new DataView(padded.buffer, padded.byteOffset, padded.byteLength);
  for (let i = 0; i < padded.length; i += 4) sum = (sum + v.getUint32(i)) >>> 0;
  return sum;
}

/**
 * The font with outlines only for the glyphs needed to draw `text` (plus .notdef and printable ASCII).
 * Throws on a font that is not TrueType-flavoured (glyf/loca).
 */
export function subsetFont(font: Uint8Array, text: string): Uint8Array {
  const t = tables(font);
  const head = t.get("head");
  const loca = t.get("loca");
  const glyf = t.get("glyf");
  const maxp = t.get("maxp");
  const cmap = t.get("cmap");
  if (!head || !loca || !glyf || !maxp || !cmap) throw new Error("not a TrueType font (glyf/loca)");
  const v = new DataView(font.buffer, font.byteOffset, font.byteLength);
  const numGlyphs = v.getUint16(maxp.offset + 4);
  const longLoca = v.getInt16(head.offset + 50) === 1;
  const glyphAt = (g: number): [number, number] => {
    const a = longLoca ? v.getUint32(loca.offset + 4 * g) : v.getUint16(loca.offset + 2 * g) * 2;
    const b = longLoca ? v.getUint32(loca.offset + 4 * (g + 1)) : v.getUint16(loca.offset + 2 * (g + 1)) * 2;
    return [glyf.offset + a, b - a];
  };

  const lookup = cmapLookup(font, cmap);
  const keep = new Set<number>([0]);
  const codePoints = new Set<number>();
  for (let cp = 0x20; cp < 0x7f; cp++) codePoints.add(cp);
  for (const ch of text) codePoints.add(ch.codePointAt(0)!);
  const queue: number[] = [];
  for (const cp of codePoints) {
    const g = lookup(cp);
    if (g > 0 && g < numGlyphs && !keep.has(g)) {
      keep.add(g);
      queue.push(g);
    }
  }
  // components of composite glyphs
  while (queue.length) {
    const g = queue.pop()!;
    const [at, len] = glyphAt(g);
    if (len === 0 || v.getInt16(at) >= 0) continue;
    let p = at + 10;
    for (;;) {
      const flags = v.getUint16(p);
      const component = v.getUint16(p + 2);
      if (component < numGlyphs && !keep.has(component)) {
        keep.add(component);
        queue.push(component);
      }
      p += 4 + (flags & 0x0001 ? 4 : 2);
      if (flags & 0x0008) p += 2;
      else if (flags & 0x0040) p += 4;
      else if (flags & 0x0080) p += 8;
      if (!(flags & 0x0020)) break;
    }
  }

  // new glyf (kept outlines, 4-byte aligned) and a long loca
  const offsets = new Uint32Array(numGlyphs + 1);
  let size = 0;
  for (let g = 0; g < numGlyphs; g++) {
    offsets[g] = size;
    if (keep.has(g)) size += (glyphAt(g)[1] + 3) & ~3;
  }
  offsets[numGlyphs] = size;
  const newGlyf = new Uint8Array(size);
  for (const g of keep) {
    const [at, len] = glyphAt(g);
    newGlyf.set(font.subarray(at, at + len), offsets[g]!);
  }
  const newLoca = new Uint8Array(4 * (numGlyphs + 1));
  const lv = new DataView(newLoca.buffer);
  for (let g = 0; g <= numGlyphs; g++) lv.setUint32(4 * g, offsets[g]!);
  const newHead = font.slice(head.offset, head.offset + head.length);
  const hv = new DataView(newHead.buffer);
  hv.setInt16(50, 1); // indexToLocFormat: long
  hv.setUint32(8, 0); // checkSumAdjustment (not checked by renderers)

  const out: { tag: string; data: Uint8Array }[] = [];
  for (const rec of [...t.values()].sort((a, b) => (a.tag < b.tag ? -1 : 1))) {
    if (DROP.has(rec.tag)) continue;
    const data =
      rec.tag === "glyf"
        ? newGlyf
        : rec.tag === "loca"
          ? newLoca
          : rec.tag === "head"
            ? newHead
            : font.subarray(rec.offset, rec.offset + rec.length);
    out.push({ tag: rec.tag, data });
  }

  const headerSize = 12 + 16 * out.length;
  let total = headerSize;
  for (const x of out) total += (x.data.length + 3) & ~3;
  const result = new Uint8Array(total);
  const rv = new DataView(result.buffer);
  rv.setUint32(0, 0x00010000);
  rv.setUint16(4, out.length);
  let pow = 1;
  let log = 0;
  while (pow * 2 <= out.length) {
    pow *= 2;
    log++;
  }
  rv.setUint16(6, pow * 16);
  rv.setUint16(8, log);
  rv.setUint16(10, out.length * 16 - pow * 16);
  let at = headerSize;
  out.forEach((x, i) => {
    const rec = 12 + 16 * i;
    for (let k = 0; k < 4; k++) result[rec + k] = x.tag.charCodeAt(k);
    rv.setUint32(rec + 4, checksum(x.data));
    rv.setUint32(rec + 8, at);
    rv.setUint32(rec + 12, x.data.length);
    result.set(x.data, at);
    at += (x.data.length + 3) & ~3;
  });
  return result;
}
