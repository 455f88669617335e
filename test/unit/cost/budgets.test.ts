import assert from 'node:assert/strict';
import { BudgetGuard, budgetConstraints, NO_SPEND } from '../../../src/core/cost/budgets';
import { routeRequest } from '../../../src/core/router/route';
import { settingsWith } from '../router/fixtures';

const NOV_25 = new Date(2026, 10, 25, 12).getTime();
const NOV_26 = new Date(2026, 10, 26, 12).getTime();
const DEC_01 = new Date(2026, 11, 1, 12).getTime();

describe('budgetConstraints', () => {
  it('has no limits when no cap is set', () => {
    assert.deepEqual(budgetConstraints(settingsWith().budget, { ...NO_SPEND, allDayUsd: 1000 }), {
      perRequestUsd: null,
      remainingUsd: null,
      limitedBy: null,
      override: false,
    });
  });

  it('takes what is left of the tighter of the day and month caps', () => {
    const budget = settingsWith({ 'budget.perDayUsd': 2, 'budget.perMonthUsd': 30, 'budget.perRequestUsd': 0.25 }).budget;
    const dayBinds = budgetConstraints(budget, { ...NO_SPEND, allDayUsd: 1.5, allMonthUsd: 10 });
    assert.equal(dayBinds.perRequestUsd, 0.25);
    assert.equal(dayBinds.remainingUsd, 0.5);
    assert.deepEqual(dayBinds.limitedBy, { period: 'day', capUsd: 2, spentUsd: 1.5 });
    const monthBinds = budgetConstraints(budget, { ...NO_SPEND, allDayUsd: 0.1, allMonthUsd: 29.8 });
    assert.ok(Math.abs((monthBinds.remainingUsd ?? 0) - 0.2) < 1e-9);
    assert.equal(monthBinds.limitedBy?.period, 'month');
    const over = budgetConstraints(budget, { ...NO_SPEND, allDayUsd: 3, allMonthUsd: 3 });
    assert.equal(over.remainingUsd, 0, 'never negative');
  });

  it('a workspace cap counts the workspace spend, a user cap all spend', () => {
    const ws = settingsWith();
    const workspaceBudget = { ...ws.budget, perDayUsd: 2, spendScope: { day: 'workspace' as const, month: 'all' as const } };
    const spend = { allDayUsd: 5, allMonthUsd: 5, workspaceDayUsd: 0.5, workspaceMonthUsd: 0.5 };
    assert.equal(budgetConstraints(workspaceBudget, spend).remainingUsd, 1.5);
    const userBudget = { ...workspaceBudget, spendScope: { day: 'all' as const, month: 'all' as const } };
    assert.equal(budgetConstraints(userBudget, spend).remainingUsd, 0);
  });
});

describe('BudgetGuard', () => {
  it('warns once at 80% per period, and once on reaching the cap', () => {
    const budget = settingsWith({ 'budget.perDayUsd': 2 }).budget;
    const guard = new BudgetGuard();
    assert.deepEqual(guard.signals(budget, { ...NO_SPEND, allDayUsd: 1.5 }, NOV_25), []);
    const near = guard.signals(budget, { ...NO_SPEND, allDayUsd: 1.62 }, NOV_25);
    assert.equal(near.length, 1);
    assert.equal(near[0].kind, 'nearLimit');
    assert.equal(near[0].message, "Today's spend is $1.62, 81% of switchboard.budget.perDayUsd ($2.00).");
    assert.deepEqual(guard.signals(budget, { ...NO_SPEND, allDayUsd: 1.7 }, NOV_25), [], 'warned once');
    const reached = guard.signals(budget, { ...NO_SPEND, allDayUsd: 2.01 }, NOV_25);
    assert.deepEqual(
      reached.map((s) => s.kind),
      ['reached'],
    );
    assert.match(
      reached[0].message,
      /^Today's spend \(\$2\.01\) reached switchboard\.budget\.perDayUsd \(\$2\.00\): cloud requests now move down to a cheaper tier or stop\./,
    );
    assert.deepEqual(guard.signals(budget, { ...NO_SPEND, allDayUsd: 2.5 }, NOV_25), []);
    assert.equal(guard.signals(budget, { ...NO_SPEND, allDayUsd: 1.9 }, NOV_26)[0]?.kind, 'nearLimit', 'a new day warns again');
  });

  it('jumping straight past the cap gives only the "reached" signal', () => {
    const budget = settingsWith({ 'budget.perMonthUsd': 10 }).budget;
    const guard = new BudgetGuard();
    const s = guard.signals(budget, { ...NO_SPEND, allMonthUsd: 12 }, NOV_25);
    assert.deepEqual(
      s.map((x) => [x.kind, x.period]),
      [['reached', 'month']],
    );
    assert.deepEqual(guard.signals(budget, { ...NO_SPEND, allMonthUsd: 13 }, NOV_26), [], 'same month');
    assert.equal(guard.signals(budget, { ...NO_SPEND, allMonthUsd: 9 }, DEC_01)[0]?.kind, 'nearLimit');
  });

  it('says when a workspace cap is meant', () => {
    const budget = { ...settingsWith().budget, perDayUsd: 1, spendScope: { day: 'workspace' as const, month: 'all' as const } };
    const [s] = new BudgetGuard().signals(budget, { ...NO_SPEND, workspaceDayUsd: 0.9 }, NOV_25);
    assert.match(s.message, /^Today's spend in this workspace is \$0\.900/);
  });

  it('grants a one-time override that the next decision needing it uses up', () => {
    const settings = settingsWith({ 'budget.perDayUsd': 1 });
    const spent = { ...NO_SPEND, allDayUsd: 1, allMonthUsd: 1 };
    const guard = new BudgetGuard();
    assert.equal(
      routeRequest({ task: 'edit', promptTokens: 100 }, settings, { budget: guard.constraints(settings.budget, spent) }).chosen,
      null,
    );
    guard.grantOverride();
    assert.equal(guard.overrideArmed, true);
    const allowed = routeRequest({ task: 'edit', promptTokens: 100 }, settings, { budget: guard.constraints(settings.budget, spent) });
    assert.equal(allowed.chosen?.id, 'gpt-6-luna');
    guard.noteDecision(allowed);
    assert.equal(guard.overrideArmed, false);
    assert.equal(
      routeRequest({ task: 'edit', promptTokens: 100 }, settings, { budget: guard.constraints(settings.budget, spent) }).chosen,
      null,
      'one time only',
    );
  });

  it('keeps the override armed through decisions that did not need it', () => {
    const settings = settingsWith({ 'budget.perDayUsd': 1 });
    const guard = new BudgetGuard();
    guard.grantOverride();
    const d = routeRequest({ task: 'edit', promptTokens: 100 }, settings, { budget: guard.constraints(settings.budget, NO_SPEND) });
    guard.noteDecision(d);
    assert.equal(guard.overrideArmed, true);
  });
});
