import assert from 'node:assert/strict';
import { niceCeiling, seriesClass } from '../../../../webview/router/costChart';
import type { CostSeries } from '../../../../src/shared/routerPanelData';

function series(key: string, folded = 0): CostSeries {
  return { key, folded, tier: null, perDayUsd: [], totalUsd: 0, requests: 0 };
}

describe('cost chart axis and colours', () => {
  it('rounds the axis maximum up to 1, 2, 2.5 or 5 times a power of ten', () => {
    assert.equal(niceCeiling(0), 1);
    assert.equal(niceCeiling(-3), 1);
    assert.equal(niceCeiling(0.7), 1);
    assert.equal(niceCeiling(1), 1);
    assert.equal(niceCeiling(1.01), 2);
    assert.equal(niceCeiling(2.2), 2.5);
    assert.equal(niceCeiling(4.9), 5);
    assert.equal(niceCeiling(5.3), 10);
    assert.equal(niceCeiling(0.0031), 0.005);
    assert.equal(niceCeiling(230), 250);
  });

  it('colours tiers by name, models by position, and the folded rest alike', () => {
    assert.equal(seriesClass(series('frontier'), 2, 'tier'), 'series-tier-frontier');
    assert.equal(seriesClass(series('gpt-6-luna'), 1, 'model'), 'series-1');
    assert.equal(seriesClass(series('m8'), 8, 'model'), 'series-1');
    assert.equal(seriesClass(series('other', 3), 7, 'model'), 'series-other');
  });
});
