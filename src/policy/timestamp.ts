/**
 * Event timestamps. Every event carries one, and `Date.parse` is among the costliest steps of
 * reading an event, so the fixed form the gateway writes (`YYYY-MM-DDTHH:MM:SSZ`, optionally with
 * milliseconds) is read by hand; any other form goes to `Date.parse`, which defines the result.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Milliseconds since the epoch, exactly as `Date.parse` gives them (NaN when invalid). */
export function parseTimestamp(s: string): number {
  const n = s.length;
  if ((n === 20 || (n === 24 && s.charCodeAt(19) === 46)) && s.charCodeAt(n - 1) === 90 && hasSeparators(s)) {
    const year = digits(s, 0, 4);
    const month = digits(s, 5, 2);
    const day = digits(s, 8, 2);
    const hour = digits(s, 11, 2);
    const minute = digits(s, 14, 2);
    const second = digits(s, 17, 2);
    const ms = n === 24 ? digits(s, 20, 3) : 0;
    // Out-of-range fields (hour 24, second 60, day 0) are left to Date.parse and its own rules.
    if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && ms >= 0)
      return daysFromCivil(year, month, day) * DAY + hour * HOUR + minute * MINUTE + second * 1000 + ms;
  }
  return Date.parse(s);
}

/** "-", "-", "T", ":", ":" at their fixed places. */
function hasSeparators(s: string): boolean {
  return s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(10) === 84 && s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58;
}

/** The decimal number in `s[at, at + len)`, or -1 when a character is not a digit. */
function digits(s: string, at: number, len: number): number {
  let v = 0;
  for (let i = at; i < at + len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm). A day past
 * the month's end rolls into the next month, as it does in `Date.parse`.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
