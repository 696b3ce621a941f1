/**
 * @module Ages as kubectl shows them: apimachinery's `duration.HumanDuration` ("5s", "3m36s",
 * "10m", "3h7m", "2d3h", "<invalid>") and the printers' `translateTimestampSince` ("<unknown>"
 * for an unset timestamp). The clock is always passed in.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * `duration.HumanDuration`: about 2-3 significant figures. `ms` may be negative: up to 2 s in
 * the future reads "0s" (clock skew), further reads "<invalid>". Go truncates toward zero.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/**
 * Milliseconds since the epoch for a metav1.Time / MicroTime string, or `null` for Go's zero
 * time: absent, null, empty, unparsable, or year 1 (`0001-01-01T00:00:00Z`).
 */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || value.startsWith('0001-01-01T00:00:00')) return null;
  return ms;
}

/** `translateTimestampSince`: the age of a timestamp at `now`, or `<unknown>` if unset. */
export function since(timestamp: unknown, now: Date): string {
  const ms = parseTimestamp(timestamp);
  return ms === null ? '<unknown>' : humanDuration(now.getTime() - ms);
}

/** Go's `time.RFC3339` rendering in UTC, without fractional seconds; zero time included. */
export function formatRFC3339(timestamp: unknown): string {
  const ms = parseTimestamp(timestamp);
  if (ms === null) return '0001-01-01T00:00:00Z';
  return new Date(Math.floor(ms / SECOND) * SECOND).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
