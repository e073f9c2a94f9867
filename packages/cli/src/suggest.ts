/**
 * "Did you mean …?" for mistyped command words and options: the closest known name by edit
 * distance (two swapped neighbours count as one edit, as in `--prot` for `--port`), when it is
 * close enough to be a typo rather than another word.
 */
import { distance } from 'fastest-levenshtein';

/** True when `b` is `a` with two adjacent characters swapped (`prot` / `port`). */
function oneSwapApart(a: string, b: string): boolean {
  if (a.length !== b.length || a.length < 2) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return (
    i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
  );
}

/** Edits between a typed word and a known name; a prefix of 3+ characters counts as half an edit. */
function editsBetween(typed: string, candidate: string): number {
  if (candidate.startsWith(typed) && typed.length >= 3) return 0.5;
  if (oneSwapApart(typed, candidate)) return 1;
  return distance(typed, candidate);
}

/** The candidate closest to `input`, or `undefined` when none is plausibly a typo of it. */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = editsBetween(typed, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // One edit for short words, up to a third of the word for long ones.
  const allowed = Math.max(1, Math.floor(Math.max(typed.length, 3) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/** ` Did you mean "x"?`, or an empty string. */
export function didYouMean(
  input: string,
  candidates: readonly string[],
  render: (name: string) => string = (name) => `"${name}"`,
): string {
  const match = nearest(input, candidates);
  return match === undefined ? '' : ` Did you mean ${render(match)}?`;
}
