/** JSON for a button value / option value / private_metadata, refusing anything over the limit. */
export function packValue(value: unknown, max = 2000): string {
  const s = JSON.stringify(value);
  if (s.length > max) throw new Error(`packed value is ${s.length} characters (max ${max})`);
  return s;
}
