/**
 * Fixed-point boundary helpers: integer hundredths, weights and the one rounding step.
 *
 * SCHEME.md, "Scoring: the formula" → Rounding: "only the final is rounded, once, to 2 decimals
 * (half up). Components are shown to 2 decimals but not rounded before use." Points and scores cross
 * module boundaries as integer hundredths (`bigint`, 3.25 points = 325n); coefficients ("Work
 * categories and coefficients": quality/quantity weight per category) are decimal strings.
 */
import { ScoringInputError } from "./errors.js";
import { formatHundredths, Rational } from "./rational.js";

export { formatHundredths };

const HUNDREDTHS_RE = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/**
 * "3.25" → 325n, "10" → 1000n, "3.2" → 320n, "-0.05" → -5n. Plain ASCII decimal only: no spaces,
 * exponent, thousands separators, leading "+" or "." or trailing "."; more than two decimals is
 * refused (never silently rounded). Throws ScoringInputError.
 */
export function parseHundredths(s: string): bigint {
  const m = typeof s === "string" ? HUNDREDTHS_RE.exec(s) : null;
  if (!m) {
    throw new ScoringInputError(`not an amount with at most 2 decimals: ${JSON.stringify(s)}`, "value");
  }
  const whole = BigInt(m[2]!);
  const frac = BigInt((m[3] ?? "").padEnd(2, "0"));
  const v = whole * 100n + frac;
  return m[1] === "-" ? -v : v;
}

/**
 * The single rounding step: an exact value in points → integer hundredths, half up (ties away from
 * zero, i.e. 四舍五入; 25.005 → 2501n). Scores are never negative, so this is ordinary half-up.
 */
export function roundHalfUpToHundredths(r: Rational): bigint {
  return r.toHundredthsHalfUp();
}

const WEIGHT_RE = /^(\d+)(?:\.(\d{1,4}))?$/;

/**
 * A category coefficient such as "0.4", "0.55", "1", "0.3333": a non-negative decimal with at most
 * 4 decimals, parsed exactly. Throws ScoringInputError (with `path`) for anything else.
 */
export function parseWeight(s: string, path = "weight"): Rational {
  const m = typeof s === "string" ? WEIGHT_RE.exec(s) : null;
  if (!m) {
    throw new ScoringInputError(
      `weight must be a non-negative decimal with at most 4 decimals, got ${JSON.stringify(s)}`,
      path,
    );
  }
  const frac = m[2] ?? "";
  return Rational.of(BigInt(m[1]! + frac), 10n ** BigInt(frac.length));
}
