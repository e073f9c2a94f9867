/**
 * "Did you mean …?" for mistyped command words and options: the closest known name by edit
 * distance, when it is close enough to be a typo rather than another word.
 */
import { distance } from 'fastest-levenshtein';

/** The candidate closest to `input`, or `undefined` when none is plausibly a typo of it. */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  const typed = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = candidate.startsWith(typed) && typed.length >= 3 ? 0.5 : distance(typed, candidate);
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
