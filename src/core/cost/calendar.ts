// Day and month keys in the user's local time: "today's spend" means the user's today.

/** `YYYY-MM-DD` in local time. */
export function dayKeyOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** `YYYY-MM` in local time. */
export function monthKeyOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
