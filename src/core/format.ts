// How money, durations and token counts read, everywhere: route reasons, budget messages, the status bar, chat and the panel.
//
// Money: `$0` for exactly zero; two significant digits below a cent ($0.00018, $0.0021); three decimals from a
// cent to a dollar ($0.010, $0.282); cents from a dollar ($2.00, $42.50); whole dollars from $100 ($123).
// Durations: whole ms below a second (320 ms), tenths below a minute (4.1 s), then "2 min 5 s", then "1 h 5 min".
// Tokens: as is below 1,000 (345), then one decimal below ten of a unit and whole above (1.2k, 12k, 345k, 1.2M).
// Each value is rounded before its unit is chosen, so 0.9996 reads "$1.00", not "$1.000", and 59.96 s "1 min 0 s".
// No Intl: this runs on the routing path, where Intl is slow, and every reader must see the same digits.

/** `$0`, `$0.00018`, `$0.0021`, `$0.010`, `$0.282`, `$2.00`, `$123`; a negative amount reads `-$1.50`. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  const sign = usd < 0 ? '-' : '';
  return `${sign}$${dollars(Math.abs(usd))}`;
}

function dollars(abs: number): string {
  if (abs >= 1) {
    const cents = abs.toFixed(2);
    return Number(cents) >= 100 ? abs.toFixed(0) : cents;
  }
  if (abs >= 0.01) {
    const mills = abs.toFixed(3);
    return Number(mills) >= 1 ? abs.toFixed(2) : mills;
  }
  // Two significant digits, written out from the rounded mantissa (toExponential rounds once, exactly).
  const [mantissa, exponent] = abs.toExponential(1).split('e');
  const power = Number(exponent);
  if (power >= -2) return abs.toFixed(3); // rounded up to a cent: $0.010
  return `0.${'0'.repeat(-power - 1)}${mantissa.replace('.', '')}`;
}

/** `320 ms`, `4.1 s`, `2 min 5 s`, `1 h 5 min`. */
export function formatDuration(ms: number): string {
  const t = Math.max(0, ms);
  const wholeMs = Math.round(t);
  if (wholeMs < 1000) return `${wholeMs} ms`;
  const tenths = Math.round(t / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const seconds = Math.round(t / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(t / 60_000);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** `345`, `1.2k`, `12k`, `345k`, `1.2M`, `12M`. */
export function formatTokens(count: number): string {
  const n = Math.max(0, Math.round(count));
  if (n < 1000) return String(n);
  if (n < 999_500) return `${scaled(n / 1000)}k`;
  return `${scaled(n / 1_000_000)}M`;
}

/** One decimal below ten of the unit, whole above. */
function scaled(value: number): string {
  return value < 9.95 ? value.toFixed(1) : String(Math.round(value));
}
