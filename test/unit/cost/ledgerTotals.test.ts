// Ledger totals keyed by model ids and workspaces that share a name with Object.prototype's members.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ledger } from '../../../src/core/cost/ledger';
import { makeRecord } from './fixtures/records';

const TRICKY_IDS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

/** Own keys of everything a `map[key]` lookup on a plain object can reach for those ids. */
function builtinKeys(): Record<string, string[]> {
  return {
    'Object.prototype': Object.getOwnPropertyNames(Object.prototype).sort(),
    Object: Object.getOwnPropertyNames(Object).sort(),
    'Object.prototype.toString': Object.getOwnPropertyNames(Object.prototype.toString).sort(),
    'Object.prototype.hasOwnProperty': Object.getOwnPropertyNames(Object.prototype.hasOwnProperty).sort(),
  };
}

describe('Ledger totals with ids named like Object.prototype members', function () {
  this.timeout(30_000);
  let dir: string;
  const open: Ledger[] = [];
  const openLedgerAt = async () => {
    const l = await Ledger.open({ dir });
    open.push(l);
    return l;
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-ledger-keys-'));
  });
  afterEach(async () => {
    for (const l of open.splice(0)) await l.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('totals each id on its own, and Object.prototype gains no keys', async () => {
    const before = builtinKeys();
    const ledger = await openLedgerAt();
    for (const [i, id] of TRICKY_IDS.entries()) {
      const record = makeRecord({ id: `d${i}`, modelId: id, tier: 'frontier', workspace: id, costUsd: 0.25 });
      await ledger.append(record);
      await ledger.updateOutcome(record, 'accepted', 2000 + i);
    }
    const t = await ledger.totals();
    assert.equal(t.requests, 4);
    assert.equal(t.costUsd, 1);
    assert.deepEqual(Object.keys(t.byModel).sort(), [...TRICKY_IDS].sort());
    for (const id of TRICKY_IDS) {
      assert.ok(Object.hasOwn(t.byModel, id), `${id} has its own bucket`);
      assert.deepEqual(t.byModel[id], { costUsd: 0.25, requests: 1, accepted: 1, rejected: 0 }, id);
      assert.deepEqual(t.byWorkspace[id], { costUsd: 0.25, requests: 1 }, id);
      assert.deepEqual(t.days['2026-11-25'].byModel[id], { costUsd: 0.25, requests: 1, accepted: 1, rejected: 0 }, id);
    }
    assert.deepEqual(builtinKeys(), before, 'no built-in object gained a key');
    assert.equal(({} as Record<string, unknown>).costUsd, undefined);
  });

  it('keeps them apart after reopening from the sidecar index and appending more', async () => {
    const before = builtinKeys();
    const first = await openLedgerAt();
    await first.append(makeRecord({ id: 'a', modelId: '__proto__', costUsd: 0.5, workspace: 'constructor' }));
    await first.append(makeRecord({ id: 'b', modelId: 'constructor', costUsd: 0.25, workspace: '__proto__' }));
    assert.equal((await first.totals()).requests, 2);
    await first.close();
    assert.ok(existsSync(path.join(dir, 'ledger-000001.jsonl.index.json')), 'closing wrote the sidecar');

    const second = await openLedgerAt();
    for (const [i, id] of TRICKY_IDS.entries()) {
      await second.append(makeRecord({ id: `c${i}`, modelId: id, costUsd: 0.125, workspace: id }));
    }
    await second.updateOutcome(makeRecord({ id: 'c2', modelId: 'toString' }), 'rejected', 3000);
    const t = await second.totals();
    assert.equal(t.requests, 6);
    assert.deepEqual(t.byModel.__proto__, { costUsd: 0.625, requests: 2, accepted: 0, rejected: 0 });
    assert.deepEqual(t.byModel.constructor, { costUsd: 0.375, requests: 2, accepted: 0, rejected: 0 });
    assert.deepEqual(t.byModel.toString, { costUsd: 0.125, requests: 1, accepted: 0, rejected: 1 });
    assert.deepEqual(t.byModel.hasOwnProperty, { costUsd: 0.125, requests: 1, accepted: 0, rejected: 0 });
    assert.deepEqual(Object.keys(t.byModel).sort(), [...TRICKY_IDS].sort());
    const now = new Date(2026, 10, 25, 12).getTime();
    assert.deepEqual(await second.spend(now, 'constructor'), {
      allDayUsd: 1.25,
      allMonthUsd: 1.25,
      workspaceDayUsd: 0.625,
      workspaceMonthUsd: 0.625,
    });
    assert.deepEqual((await second.spend(now, 'toString')).workspaceDayUsd, 0.125);
    assert.deepEqual(builtinKeys(), before, 'no built-in object gained a key');
  });
});
