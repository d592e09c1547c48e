/**
 * Exact rational numbers for scoring.
 *
 * SCHEME.md, "Scoring: the formula" → Rounding: "every step is computed exactly (integers or decimals,
 * never float drift); only the final is rounded, once, to 2 decimals (half up)".
 *
 * Design: a tiny immutable bigint rational of our own rather than fraction.js. fraction.js (v5) is
 * BigInt-backed internally but its API happily accepts JS floats, coerces through `valueOf(): number`
 * (so `a < b` silently compares floats) and its `round()` is not the half-up-to-hundredths rule the
 * scheme needs. Here every operand is a `Rational` or a `bigint`, never a `number`, and numeric
 * coercion (`+r`, `r < s`, `r + 1`) throws, so floats cannot creep in by accident.
 *
 * Invariants: `den > 0n`, `gcd(|num|, den) = 1n`, zero is `0/1`. Two equal values therefore have
 * equal fields, so structural equality (e.g. vitest `toEqual`) is value equality.
 */

/**
 * Integer hundredths as a 2-decimal string: 325n → "3.25", -5n → "-0.05", 1000n → "10.00".
 * (Lives here, dependency-free, so both `Rational#toFixed2` and the error messages can use it.)
 */
export function formatHundredths(v: bigint): string {
  if (typeof v !== "bigint") throw new TypeError("formatHundredths expects a bigint");
  const neg = v < 0n;
  const a = neg ? -v : v;
  const s = `${a / 100n}.${(a % 100n).toString().padStart(2, "0")}`;
  return neg ? `-${s}` : s;
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Greatest common divisor of |a| and |b|. Operands up to 2^53 − 1 (scores' numerators and denominators
 * nearly always are) are reduced as JS numbers: every value of Euclid's algorithm stays an integer below
 * 2^53, where `%` on doubles is exact, and no bigint is allocated per step (publishing a month reduces some
 * hundred thousand fractions). Larger operands use bigints until they are small enough.
 */
function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) {
    if (x <= SAFE && y <= SAFE) {
      let u = Number(x);
      let v = Number(y);
      while (v !== 0) {
        const t = u % v;
        u = v;
        v = t;
      }
      return BigInt(u);
    }
    const t = x % y;
    x = y;
    y = t;
  }
  return x;
}

export class Rational {
  /** Numerator (carries the sign). */
  readonly num: bigint;
  /** Denominator, always > 0. */
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  /** `num / den`, normalised. Throws RangeError on a zero denominator or a non-bigint operand. */
  static of(num: bigint, den: bigint = 1n): Rational {
    if (typeof num !== "bigint" || typeof den !== "bigint") {
      throw new TypeError("Rational.of expects bigint operands");
    }
    if (den === 0n) throw new RangeError("Rational: zero denominator");
    if (den < 0n) {
      num = -num;
      den = -den;
    }
    if (num === 0n) return new Rational(0n, 1n);
    const g = gcd(num, den);
    return g === 1n ? new Rational(num, den) : new Rational(num / g, den / g);
  }

  /** An amount given in integer hundredths (325n → 3.25). */
  static fromHundredths(h: bigint): Rational {
    return Rational.of(h, 100n);
  }

  static readonly ZERO: Rational = Rational.of(0n);
  static readonly ONE: Rational = Rational.of(1n);
  static readonly HUNDRED: Rational = Rational.of(100n);

  add(o: Rational): Rational {
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }

  sub(o: Rational): Rational {
    return Rational.of(this.num * o.den - o.num * this.den, this.den * o.den);
  }

  mul(o: Rational): Rational {
    return Rational.of(this.num * o.num, this.den * o.den);
  }

  /** Throws RangeError when dividing by zero. */
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError("Rational: division by zero");
    return Rational.of(this.num * o.den, this.den * o.num);
  }

  neg(): Rational {
    return Rational.of(-this.num, this.den);
  }

  /** -1, 0 or 1. */
  sign(): -1 | 0 | 1 {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }

  isZero(): boolean {
    return this.num === 0n;
  }

  /** -1 if this < o, 0 if equal, 1 if this > o. */
  cmp(o: Rational): -1 | 0 | 1 {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }

  eq(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }

  lt(o: Rational): boolean {
    return this.cmp(o) < 0;
  }

  gt(o: Rational): boolean {
    return this.cmp(o) > 0;
  }

  /** max of this and o. */
  max(o: Rational): Rational {
    return this.cmp(o) >= 0 ? this : o;
  }

  /**
   * Round to integer hundredths, half up in the commercial sense (四舍五入): ties go away from zero,
   * so 0.005 → 1n and -0.005 → -1n. Scores are never negative, so for them this is plain "half up".
   */
  toHundredthsHalfUp(): bigint {
    const n = this.num < 0n ? -this.num : this.num;
    // floor((n*100 + den/2) / den) without fractions: floor((200n + den) / (2 den))
    const q = (n * 200n + this.den) / (2n * this.den);
    return this.num < 0n ? -q : q;
  }

  /** Display string with exactly two decimals, half up (200/3 → "66.67"). Display only. */
  toFixed2(): string {
    return formatHundredths(this.toHundredthsHalfUp());
  }

  /** Exact representation: "200/3", "-5/2", "7". */
  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }

  /** JSON form is the exact string (bigint fields are not JSON-serialisable). */
  toJSON(): string {
    return this.toString();
  }

  /** Parse the exact form produced by `toString()` ("200/3", "-7", "7"). */
  static parse(s: string): Rational {
    const m = /^(-?\d+)(?:\/(\d+))?$/.exec(s);
    if (!m) throw new SyntaxError(`Rational.parse: not a rational: ${JSON.stringify(s)}`);
    return Rational.of(BigInt(m[1]!), m[2] === undefined ? 1n : BigInt(m[2]));
  }

  /** Guard against accidental float arithmetic: only string conversion is allowed. */
  [Symbol.toPrimitive](hint: string): string {
    if (hint === "string") return this.toString();
    throw new TypeError("Rational: implicit numeric conversion is not allowed (use cmp/add/…)");
  }
}
