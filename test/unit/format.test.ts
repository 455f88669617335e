// The one formatter for money, durations and token counts: each boundary, and rounding that crosses one.
import assert from 'node:assert/strict';
import { formatDuration, formatTokens, formatUsd } from '../../src/core/format';

describe('formatUsd', () => {
  it('formats dollars readably at every scale (the amounts route reasons and budget messages show)', () => {
    assert.equal(formatUsd(0), '$0');
    assert.equal(formatUsd(2), '$2.00');
    assert.equal(formatUsd(123.4), '$123');
    assert.equal(formatUsd(0.28192), '$0.282');
    assert.equal(formatUsd(0.005), '$0.0050');
    assert.equal(formatUsd(0.00053), '$0.00053');
    assert.equal(formatUsd(-1.5), '-$1.50');
  });

  it('reads exactly zero as $0', () => {
    assert.equal(formatUsd(0), '$0');
    assert.equal(formatUsd(-0), '$0');
  });

  it('gives two significant digits below a cent', () => {
    assert.equal(formatUsd(0.00018), '$0.00018');
    assert.equal(formatUsd(0.0000304), '$0.000030');
    assert.equal(formatUsd(0.00021), '$0.00021');
    assert.equal(formatUsd(0.0021), '$0.0021');
    assert.equal(formatUsd(0.005), '$0.0050');
    assert.equal(formatUsd(0.0099), '$0.0099');
    assert.equal(formatUsd(0.001), '$0.0010');
    assert.equal(formatUsd(0.0001), '$0.00010');
    assert.equal(formatUsd(0.000000052), '$0.000000052');
  });

  it('gives three decimals from a cent to a dollar', () => {
    assert.equal(formatUsd(0.01), '$0.010');
    assert.equal(formatUsd(0.042), '$0.042');
    assert.equal(formatUsd(0.28192), '$0.282');
    assert.equal(formatUsd(0.999), '$0.999');
  });

  it('gives cents from a dollar and whole dollars from $100', () => {
    assert.equal(formatUsd(1), '$1.00');
    assert.equal(formatUsd(2), '$2.00');
    assert.equal(formatUsd(42.5), '$42.50');
    assert.equal(formatUsd(99.99), '$99.99');
    assert.equal(formatUsd(100), '$100');
    assert.equal(formatUsd(123.4), '$123');
  });

  it('chooses the unit after rounding, so a value never reads with a digit too many', () => {
    assert.equal(formatUsd(0.009996), '$0.010');
    assert.equal(formatUsd(0.9996), '$1.00');
    assert.equal(formatUsd(99.996), '$100');
    assert.equal(formatUsd(0.000996), '$0.0010');
  });

  it('puts the sign before the dollar', () => {
    assert.equal(formatUsd(-1.5), '-$1.50');
    assert.equal(formatUsd(-0.00018), '-$0.00018');
  });
});

describe('formatDuration', () => {
  it('gives whole milliseconds below a second', () => {
    assert.equal(formatDuration(0), '0 ms');
    assert.equal(formatDuration(320), '320 ms');
    assert.equal(formatDuration(999.4), '999 ms');
  });

  it('gives tenths of a second below a minute', () => {
    assert.equal(formatDuration(999.6), '1.0 s');
    assert.equal(formatDuration(1000), '1.0 s');
    assert.equal(formatDuration(4100), '4.1 s');
    assert.equal(formatDuration(12_345), '12.3 s');
    assert.equal(formatDuration(59_940), '59.9 s');
  });

  it('gives minutes and seconds below an hour, then hours and minutes', () => {
    assert.equal(formatDuration(59_960), '1 min 0 s');
    assert.equal(formatDuration(125_000), '2 min 5 s');
    assert.equal(formatDuration(119_600), '2 min 0 s');
    assert.equal(formatDuration(3_599_400), '59 min 59 s');
    assert.equal(formatDuration(3_599_600), '1 h 0 min');
    assert.equal(formatDuration(3_900_000), '1 h 5 min');
    assert.equal(formatDuration(26 * 3_600_000), '26 h 0 min');
  });

  it('never reads a negative time', () => {
    assert.equal(formatDuration(-5), '0 ms');
  });
});

describe('formatTokens', () => {
  it('gives the count as is below a thousand', () => {
    assert.equal(formatTokens(0), '0');
    assert.equal(formatTokens(345), '345');
    assert.equal(formatTokens(999), '999');
  });

  it('gives one decimal below ten of a unit and whole units above', () => {
    assert.equal(formatTokens(1000), '1.0k');
    assert.equal(formatTokens(1234), '1.2k');
    assert.equal(formatTokens(9949), '9.9k');
    assert.equal(formatTokens(9950), '10k');
    assert.equal(formatTokens(12_345), '12k');
    assert.equal(formatTokens(345_000), '345k');
    assert.equal(formatTokens(999_499), '999k');
    assert.equal(formatTokens(999_500), '1.0M');
    assert.equal(formatTokens(1_234_567), '1.2M');
    assert.equal(formatTokens(12_345_678), '12M');
  });
});
