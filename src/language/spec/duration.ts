// Wall-time budgets as people write them: `90s`, `20m`, `1h30m`, `1.5h` (hours, minutes,
// seconds, each at most once and in that order), for `unet train --time` and the spec's
// `time` statement.
const DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/;

/** Seconds of a duration such as `1h30m`; null when the text is not one (or is zero). */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === '') return null;
  const [, h, m, s] = match.map((v) => (v === undefined ? 0 : Number(v)));
  const seconds = h * 3600 + m * 60 + s;
  return seconds > 0 ? seconds : null;
}

/** A budget in seconds, as `parseDuration` reads it back (`1h30m`, `20m`, `2.5s`). */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds - h * 3600) / 60);
  const s = Math.round((seconds - h * 3600 - m * 60) * 1000) / 1000;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}
