// Counts, shares, dates and times as the router panel shows them, in the user's locale (money, durations and
// token counts read as everywhere else: src/core/format.ts through webview/common/format.ts).

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const shortDay = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

export function formatCount(n: number): string {
  return integer.format(n);
}

export function formatPercent(fraction: number): string {
  return percent.format(fraction);
}

/** Time of day for today's rows, day and time for older ones. */
export function formatWhen(ms: number, now: number = Date.now()): string {
  const d = new Date(ms);
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? timeOfDay.format(d) : dayAndTime.format(d);
}

export function formatFullTime(ms: number): string {
  return fullDate.format(new Date(ms));
}

/** `YYYY-MM-DD` (a local day key) → "Nov 25". */
export function formatDayKey(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return shortDay.format(new Date(y, m - 1, d, 12));
}

export function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
