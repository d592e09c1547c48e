/** Rational and the hundredths helpers (SCHEME.md "Scoring: the formula" → Rounding). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatHundredths,
  parseHundredths,
  parseWeight,
  Rational,
  roundHalfUpToHundredths,
  ScoringInputError,
} from "../../src/scoring/index.js";

const R = (n: bigint, d: bigint = 1n) => Rational.of(n, d);

describe("Rational", () => {
  it("normalises sign and gcd, so toEqual is value equality", () => {
    expect(R(2n, 4n)).toEqual(R(1n, 2n));
    expect(R(3n, -6n)).toEqual(R(-1n, 2n));
    expect(R(0n, -5n)).toEqual(Rational.ZERO);
    expect(R(1n, 3n)).not.toEqual(R(2n, 3n));
  });

  it("reduces to lowest terms on both sides of 2^53 (the number and bigint paths of gcd agree)", () => {
    const refGcd = (a: bigint, b: bigint): bigint => {
      let x = a < 0n ? -a : a;
      let y = b < 0n ? -b : b;
      while (y !== 0n) [x, y] = [y, x % y];
      return x;
    };
    const big = fc.oneof(
      fc.bigInt({ min: -(2n ** 20n), max: 2n ** 20n }),
      fc.bigInt({ min: -(2n ** 54n), max: 2n ** 54n }),
      fc.bigInt({ min: -(2n ** 90n), max: 2n ** 90n }),
      fc.constantFrom(2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n)),
    );
    fc.assert(
      fc.property(big, big, big, (a, b, k) => {
        fc.pre(b !== 0n && k !== 0n);
        const r = R(a * k, b * k); // a common factor to take out
        expect(r.den > 0n).toBe(true);
        expect(refGcd(r.num, r.den)).toBe(1n);
        expect(r.num * b).toBe(a * r.den); // the same value
        expect(r).toEqual(R(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it("arithmetic is exact", () => {
    const third = R(1n, 3n);
    expect(third.add(third).add(third)).toEqual(Rational.ONE);
    expect(R(1n, 10n).add(R(2n, 10n))).toEqual(R(3n, 10n)); // no 0.30000000000000004
    expect(R(200n, 3n).mul(R(3n, 5n))).toEqual(R(40n));
    expect(R(1n).div(R(3n))).toEqual(third);
    expect(R(5n).sub(R(7n))).toEqual(R(-2n));
    expect(R(-2n).neg()).toEqual(R(2n));
  });

  it("compares", () => {
    expect(R(1n, 3n).cmp(R(33n, 100n))).toBe(1);
    expect(R(-1n, 3n).lt(R(0n))).toBe(true);
    expect(R(2n, 4n).eq(R(1n, 2n))).toBe(true);
    expect(R(2n).max(R(3n))).toEqual(R(3n));
    expect(R(-1n).sign()).toBe(-1);
  });

  it("refuses zero denominators and non-bigint operands", () => {
    expect(() => R(1n, 0n)).toThrow(RangeError);
    expect(() => R(1n).div(Rational.ZERO)).toThrow(RangeError);
    expect(() => Rational.of(1 as unknown as bigint)).toThrow(TypeError);
  });

  it("refuses implicit numeric conversion but stringifies exactly", () => {
    const r = R(200n, 3n) as unknown as number;
    expect(() => r + 1).toThrow(TypeError);
    expect(() => r < 5).toThrow(TypeError);
    expect(`${R(200n, 3n)}`).toBe("200/3");
    expect(String(R(-7n))).toBe("-7");
    expect(JSON.stringify({ q: R(1n, 2n) })).toBe('{"q":"1/2"}');
    expect(Rational.parse("200/3")).toEqual(R(200n, 3n));
    expect(Rational.parse("-7")).toEqual(R(-7n));
    expect(() => Rational.parse("1.5")).toThrow(SyntaxError);
  });

  it("toFixed2 rounds half up for display", () => {
    expect(R(200n, 3n).toFixed2()).toBe("66.67");
    expect(R(100n, 3n).toFixed2()).toBe("33.33");
    expect(R(1n, 200n).toFixed2()).toBe("0.01");
    expect(R(-1n, 200n).toFixed2()).toBe("-0.01");
    expect(R(1n, 201n).toFixed2()).toBe("0.00");
    expect(R(7n).toFixed2()).toBe("7.00");
  });
});

describe("roundHalfUpToHundredths", () => {
  it.each([
    [R(25005n, 1000n), 2501n],
    [R(250049n, 10000n), 2500n],
    [R(2n, 3n), 67n],
    [R(1n, 3n), 33n],
    [R(12345n, 1000n), 1235n], // 12.345 → 12.35 (banker's would give 12.34)
    [R(12335n, 1000n), 1234n], // 12.335 → 12.34
    [Rational.ZERO, 0n],
    [R(-25005n, 1000n), -2501n], // ties away from zero
    [R(-1n, 3n), -33n],
  ])("%s → %s", (r, expected) => {
    expect(roundHalfUpToHundredths(r)).toBe(expected);
  });
});

describe("formatHundredths / parseHundredths", () => {
  it.each([
    [325n, "3.25"],
    [-5n, "-0.05"],
    [1000n, "10.00"],
    [0n, "0.00"],
    [7n, "0.07"],
    [-12345n, "-123.45"],
    [10300n, "103.00"],
  ])("format %s → %s", (v, s) => {
    expect(formatHundredths(v)).toBe(s);
    expect(parseHundredths(s)).toBe(v);
  });

  it.each([
    ["3.25", 325n],
    ["10", 1000n],
    ["3.2", 320n],
    ["0.5", 50n],
    ["-0.05", -5n],
    ["-0", 0n],
    ["007", 700n],
  ])("parse %s → %s", (s, v) => {
    expect(parseHundredths(s)).toBe(v);
  });

  it.each([
    "3.255",
    "",
    "abc",
    "1e3",
    ".5",
    "5.",
    "+1",
    " 1",
    "1 ",
    "1,5",
    "1.2.3",
    "--1",
    "NaN",
    "Infinity",
    "１",
  ])("parse refuses %j", (s) => {
    expect(() => parseHundredths(s)).toThrow(ScoringInputError);
  });
});

describe("parseWeight", () => {
  it("parses up to 4 decimals exactly", () => {
    expect(parseWeight("0.4")).toEqual(R(2n, 5n));
    expect(parseWeight("0.55")).toEqual(R(11n, 20n));
    expect(parseWeight("0.3333")).toEqual(R(3333n, 10000n));
    expect(parseWeight("1")).toEqual(Rational.ONE);
    expect(parseWeight("0")).toEqual(Rational.ZERO);
    expect(parseWeight("1.0000")).toEqual(Rational.ONE);
  });

  it.each(["0.12345", "-0.4", "", ".4", "0.", "0,4", "abc"])("refuses %j", (s) => {
    expect(() => parseWeight(s, "w")).toThrow(ScoringInputError);
  });
});
