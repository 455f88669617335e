// The router panel's real webview bundle in headless chromium with 100,000 synthetic decisions behind
// a fake host built on the real core (RouterPanelSession). No VS Code: the page gets the same CSP,
// nonce, theme classes and --vscode-* variables a webview gets. Screenshots go to artifacts/e2e/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROOT } from '../harness/codeServer.mjs';
import type { RouterWebview, WebviewServer } from '../support/routerWebviewHarness';
import { buildWebviewBundles, launchChromium, openRouterWebview, startWebviewServer } from '../support/routerWebviewHarness';
import { makeDecision, modelSummary, syntheticLedger } from '../support/syntheticDecisions';
import { RouterPanelSession } from '../../src/panels/router/routerPanelSession';
import type { RouterPanelEnvironment } from '../../src/panels/router/routerPanelSession';
import { pickFrontierReference } from '../../src/panels/router/costSummary';
import type { ComparisonUpdate } from '../../src/panels/router/pendingComparisons';
import { PendingComparisons } from '../../src/panels/router/pendingComparisons';
import type { PairwiseVote, SealedOrder } from '../../src/core/ratings/blinding';
import { blindComparison, revealAfterVote, seededRng } from '../../src/core/ratings/blinding';
import { DEFAULT_SETTING_VALUES, snapshotFromValues } from '../../src/core/settings/schema';
import type { RouterHostMessage, RouterWebviewMessage } from '../../src/shared/routerProtocol';

const ARTIFACTS = path.join(ROOT, 'artifacts', 'e2e');
const COUNT = 100_000;

function seedVotes(): PairwiseVote[] {
  const votes: PairwiseVote[] = [];
  const add = (task: PairwiseVote['task'], modelA: string, modelB: string, choice: PairwiseVote['choice'], n: number) => {
    for (let i = 0; i < n; i++) votes.push({ comparisonId: `seed-${votes.length}`, task, modelA, modelB, choice, tags: [], time: i });
  };
  add('edit', 'claude-haiku-4-5', 'gpt-6-luna', 'a', 26);
  add('edit', 'claude-haiku-4-5', 'gpt-6-luna', 'b', 4);
  add('chat', 'gpt-6-luna', 'claude-haiku-4-5', 'a', 9);
  add('chat', 'gpt-6-luna', 'claude-haiku-4-5', 'b', 7);
  add('chat', 'claude-sonnet-5-5', 'gpt-6-luna', 'a', 6);
  add('chat', 'claude-sonnet-5-5', 'gpt-6-luna', 'tie', 3);
  add('completion', 'qwen2.5-coder:1.5b-base', 'gpt-6-luna', 'a', 5);
  add('completion', 'qwen2.5-coder:1.5b-base', 'gpt-6-luna', 'b', 6);
  return votes;
}

describe('router panel webview in chromium (100,000 decisions, fake host on the real core)', function () {
  this.timeout(120_000);
  const now = Date.now();
  let ledger: ReturnType<typeof syntheticLedger>;
  let session: RouterPanelSession;
  let env: RouterPanelEnvironment;
  let server: WebviewServer;
  let browser: Browser;
  let view: RouterWebview;
  const votes = seedVotes();
  const sealed = new Map<string, SealedOrder>();
  const exported: { format: string; chars: number; count: number }[] = [];
  // As RouterPanelHost does: each side's figures stay here until the vote; the panel gets only what `update` returns.
  const comparisonStores = [new PendingComparisons()];

  const host = async (m: RouterWebviewMessage): Promise<RouterHostMessage[]> => {
    const answer = session.answer(m);
    if (answer) return answer;
    switch (m.type) {
      case 'export': {
        let chars = 0;
        for (const chunk of session.exportChunks(m.format)) chars += chunk.length;
        exported.push({ format: m.format, chars, count: session.exportCount() });
        return [{ type: 'exportDone', replyTo: m.id, ok: true, message: `Saved ${session.exportCount()} decisions.` }];
      }
      case 'vote': {
        const order = sealed.get(m.comparisonId);
        if (!order) return [{ type: 'error', replyTo: m.id, message: 'That comparison has ended.' }];
        const revealed = revealAfterVote(order, { choice: m.choice, tags: m.tags, time: Date.now() });
        const store = comparisonStores.find((s) => s.has(m.comparisonId));
        const figures = store?.figures(m.comparisonId) ?? { a: null, b: null };
        store?.end(m.comparisonId);
        votes.push(revealed.vote);
        session.setVotes(votes);
        return [
          {
            type: 'comparisonRevealed',
            replyTo: m.id,
            comparisonId: m.comparisonId,
            choice: m.choice,
            modelA: revealed.modelA,
            modelB: revealed.modelB,
            winner: revealed.winner ?? null,
            figures,
          },
          ...session.feelMessages(),
        ];
      }
      case 'applyProposal': {
        // As the real host would: write the proposed route, then re-judge with the new route in force.
        const proposals = session.feelMessages().find((x) => x.type === 'proposals');
        const proposal = proposals?.type === 'proposals' ? proposals.proposals.find((p) => p.task === m.task) : undefined;
        if (proposal?.kind !== 'propose')
          return [
            { type: 'proposalApplied', replyTo: m.id, task: m.task, ok: false, message: `There is no ${m.task} route change to apply.` },
          ];
        env = { ...env, routes: { ...env.routes, [m.task]: proposal.proposedRoute } };
        session.updateEnvironment(env);
        return [
          {
            type: 'proposalApplied',
            replyTo: m.id,
            task: m.task,
            ok: true,
            message: `switchboard.routes.${m.task} is now ${proposal.proposedRoute.join(', ')} in this workspace.`,
          },
          ...session.feelMessages().filter((x) => x.type === 'proposals'),
        ];
      }
      case 'setAutoApply':
        env = { ...env, autoApply: m.enabled };
        session.updateEnvironment(env);
        return session.feelMessages().filter((x) => x.type === 'proposals');
      default:
        return [];
    }
  };

  const rowIds = () => view.page.$$eval('tr.row', (rows) => rows.map((r) => (r as HTMLElement).dataset.id ?? ''));
  const shot = async (name: string) => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await view.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  };
  const noProblems = async (v: RouterWebview) => {
    assert.deepEqual(v.rejected, [], 'every posted message passes the host validator');
    assert.deepEqual(v.pageErrors, [], 'no page errors');
    assert.deepEqual(
      await v.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
      [],
      'no CSP violations',
    );
  };

  before(async () => {
    buildWebviewBundles();
    ledger = syntheticLedger({ count: COUNT, seed: 20261125, now, days: 45 });
    const settings = snapshotFromValues(DEFAULT_SETTING_VALUES);
    env = {
      now: () => Date.now(),
      workspace: '/home/dev/shop',
      budget: { perRequestUsd: 0, perDayUsd: 20, perMonthUsd: 400, spendScope: { day: 'all', month: 'workspace' } },
      routes: settings.routes,
      autoApply: false,
      frontier: pickFrontierReference(settings),
    };
    session = RouterPanelSession.fromLedger(ledger, env);
    session.setVotes(votes);
    server = await startWebviewServer();
    browser = await launchChromium();
  });

  after(async () => {
    await view?.close();
    await browser?.close();
    await server?.close();
  });

  it('posts ready first, then renders the newest 100 of 100,000 rows', async () => {
    view = await openRouterWebview(browser, server, 'dark', host);
    await view.waitForPosted('ready');
    assert.equal((view.posted[0] as { type: string }).type, 'ready', 'the handshake comes before anything else');
    await view.page.waitForFunction(() => document.querySelectorAll('tr.row').length === 100);
    const expected = ledger
      .slice(-100)
      .reverse()
      .map((r) => r.id);
    assert.deepEqual(await rowIds(), expected, 'newest first');
    assert.match(await view.page.locator('#decisions-range').innerText(), /1–100 of 100,000 decisions/);
    assert.equal(await view.page.locator('tr.row').count(), 100, 'the DOM holds one page, not 100k rows');
    const bg = await view.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(bg, 'rgb(31, 31, 31)', 'dark theme background from --vscode-editor-background');
    await noProblems(view);
  });

  it('posts setFilter when a filter changes and shows only matching rows', async () => {
    const before = await rowIds();
    let since = view.posted.length;
    await view.page.selectOption('#filter-task', JSON.stringify('chat'));
    const msg = await view.waitForPosted('setFilter', since);
    assert.deepEqual(msg.filter, { task: 'chat' });
    const want = session.index.page({ task: 'chat' }, 0, 100).records.map((r) => r.id);
    await view.page.waitForFunction((first) => (document.querySelector('tr.row') as HTMLElement | null)?.dataset.id === first, want[0]);
    const ids = await rowIds();
    assert.deepEqual(ids, want);
    assert.notDeepEqual(ids, before);
    const tasks = await view.page.$$eval('tr.row td.col-2', (cells) => cells.map((c) => c.textContent ?? ''));
    assert.ok(
      tasks.every((t) => t.startsWith('chat')),
      'every shown row is a chat decision',
    );
    const total = session.index.count({ task: 'chat' });
    assert.match(await view.page.locator('#decisions-range').innerText(), new RegExp(`of ${total.toLocaleString('en-US')} decisions`));

    since = view.posted.length;
    await view.page.selectOption('#filter-model', JSON.stringify('claude-haiku-4-5'));
    assert.deepEqual((await view.waitForPosted('setFilter', since)).filter, { task: 'chat', model: 'claude-haiku-4-5' });
    const want2 = session.index.page({ task: 'chat', model: 'claude-haiku-4-5' }, 0, 100).records.map((r) => r.id);
    await view.page.waitForFunction((first) => (document.querySelector('tr.row') as HTMLElement | null)?.dataset.id === first, want2[0]);
    const models = await view.page.$$eval('tr.row .model-name', (cells) => cells.map((c) => c.textContent));
    assert.ok(models.length > 0 && models.every((m) => m === 'claude-haiku-4-5'));

    since = view.posted.length;
    await view.page.getByRole('button', { name: 'Older page' }).click();
    const pageReq = await view.waitForPosted('requestPage', since);
    assert.equal(pageReq.offset, 100);
    const want3 = session.index.page({ task: 'chat', model: 'claude-haiku-4-5' }, 100, 100).records.map((r) => r.id);
    await view.page.waitForFunction((first) => (document.querySelector('tr.row') as HTMLElement | null)?.dataset.id === first, want3[0]);

    since = view.posted.length;
    await view.page.getByRole('button', { name: 'Clear all filters' }).click();
    assert.deepEqual((await view.waitForPosted('setFilter', since)).filter, {});
    await view.page.waitForFunction(
      (first) => (document.querySelector('tr.row') as HTMLElement | null)?.dataset.id === first,
      ledger[ledger.length - 1].id,
    );
  });

  it('expands a row to every candidate, kept or dropped, with the reason; keyboard works', async () => {
    const page = session.index.page({}, 0, 100).records;
    const target = page.find((r) => r.candidates.some((c) => !c.kept) && r.candidates.some((c) => c.kept))!;
    assert.ok(target, 'the first page has a decision with a dropped candidate');
    await view.page.waitForFunction(() => document.querySelectorAll('tr.row').length === 100);
    const toggle = view.page.locator(`tr.row[data-id="${target.id}"] button.expand`);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    const detail = view.page.locator(`#detail-${target.id}`);
    await detail.waitFor();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await toggle.getAttribute('aria-controls'), `detail-${target.id}`);
    const text = await detail.innerText();
    for (const c of target.candidates) {
      assert.ok(text.includes(c.id), `candidate ${c.id} listed`);
      if (!c.kept) assert.ok(text.includes(c.reason), `dropped reason shown: ${c.reason}`);
    }
    const verdicts = await detail.locator('ol.candidates li .verdict').allInnerTexts();
    assert.deepEqual(
      verdicts.map((v) => v.toLowerCase()),
      target.candidates.map((c) => (c.kept ? (c.id === target.chosen?.id ? 'chosen' : 'kept') : 'dropped')),
    );

    // Keyboard: Enter collapses, ArrowDown moves to the next row, Enter expands it.
    await toggle.focus();
    await view.page.keyboard.press('Enter');
    await detail.waitFor({ state: 'detached' });
    await view.page.keyboard.press('ArrowDown');
    const index = page.findIndex((r) => r.id === target.id);
    const focusedId = await view.page.evaluate(() => (document.activeElement?.closest('tr.row') as HTMLElement | null)?.dataset.id);
    assert.equal(focusedId, page[index + 1].id);
    await view.page.keyboard.press('Enter');
    await view.page.locator(`#detail-${page[index + 1].id}`).waitFor();
    await view.page.keyboard.press('Enter');
    await toggle.click();
    await detail.waitFor();
  });

  it('puts a live decision on top and updates an outcome in place', async () => {
    const luna = modelSummary('gpt-6-luna', 'mid');
    const live = makeDecision({
      id: 'live-1',
      time: Date.now(),
      task: 'edit',
      workspace: '/home/dev/shop',
      chosen: luna,
      answeredBy: luna,
      outcome: 'pending',
      explanation: 'gpt-6-luna: first edit candidate that fits',
    });
    const added = session.onDecision(live);
    assert.ok(added.some((m) => m.type === 'decisionAdded'));
    await view.send(added);
    await view.page.waitForFunction(() => (document.querySelector('tr.row') as HTMLElement | null)?.dataset.id === 'live-1');
    assert.equal(await view.page.locator('tr.row').count(), 100, 'the page keeps its size');
    assert.match(await view.page.locator('#decisions-range').innerText(), /of 100,001 decisions/);
    await view.send(
      session.onOutcome({
        v: 1,
        type: 'outcome',
        id: 'live-1',
        time: Date.now(),
        outcome: 'accepted',
        day: live.day,
        task: 'edit',
        workspace: live.workspace,
        model: 'gpt-6-luna',
      }),
    );
    await view.page.waitForFunction(() => document.querySelector('tr.row[data-id="live-1"] .badge-outcome-accepted') !== null);

    // On an older page a new decision does not shift the rows under the reader; a pill offers the newest.
    let since = view.posted.length;
    await view.page.getByRole('button', { name: 'Older page' }).click();
    await view.waitForPosted('requestPage', since);
    const secondPage = session.index.page({}, 100, 100).records[0].id;
    await view.page.waitForFunction((id) => (document.querySelector('tr.row') as HTMLElement | null)?.dataset.id === id, secondPage);
    await view.send(
      session.onDecision(
        makeDecision({ id: 'live-2', time: Date.now(), task: 'chat', workspace: '/home/dev/shop', chosen: luna, answeredBy: luna }),
      ),
    );
    const pill = view.page.getByRole('button', { name: /1 newer decision/ });
    await pill.waitFor();
    assert.equal((await rowIds())[0], secondPage, 'the older page stays put');
    since = view.posted.length;
    await view.page.getByRole('button', { name: 'Older page' }).click();
    assert.equal((await view.waitForPosted('requestPage', since)).offset, 201, 'paging on skips the row that arrived above');
    await view.page.waitForFunction(
      (id) => (document.querySelector('tr.row') as HTMLElement | null)?.dataset.id === id,
      session.index.page({}, 201, 1).records[0].id,
    );
    since = view.posted.length;
    await view.page.getByRole('button', { name: 'Newest decisions' }).click();
    assert.equal((await view.waitForPosted('requestPage', since)).offset, 0);
    await view.page.waitForFunction(() => (document.querySelector('tr.row') as HTMLElement | null)?.dataset.id === 'live-2');
    await noProblems(view);
  });

  it('exports the filtered decisions through the host', async () => {
    const since = view.posted.length;
    await view.page.getByRole('button', { name: 'Export CSV' }).click();
    const msg = await view.waitForPosted('export', since);
    assert.equal(msg.format, 'csv');
    await view.page.waitForFunction(() => /Saved \d+ decisions/.test(document.querySelector('.status')?.textContent ?? ''));
    assert.equal(exported.at(-1)?.count, COUNT + 2);
    await shot('router-webview-dark');
  });

  it('draws the cost chart as SVG bars with budgets, and splits by model on request', async () => {
    // Tabs follow the WAI-ARIA pattern: arrow keys move and select.
    await view.page.getByRole('tab', { name: 'Decisions' }).focus();
    await view.page.keyboard.press('ArrowRight');
    assert.equal(await view.page.getByRole('tab', { name: 'Cost' }).getAttribute('aria-selected'), 'true');
    assert.equal(await view.page.evaluate(() => document.activeElement?.id), 'tab-cost');
    assert.equal(await view.page.locator('#panel-decisions').isHidden(), true);
    await view.page.locator('svg.cost-chart rect.bar').first().waitFor();
    const bars = await view.page.locator('svg.cost-chart rect.bar').count();
    assert.ok(bars > 30, `bars drawn (${bars})`);
    assert.equal(await view.page.locator('svg.cost-chart').getAttribute('role'), 'img');
    assert.match(
      (await view.page.locator('svg.cost-chart').getAttribute('aria-label')) ?? '',
      /Spend per day over the last 30 days by tier/,
    );
    assert.equal(await view.page.locator('[role="meter"]').count(), 2, 'day and month budget bars');
    const fill = await view.page
      .locator('svg.cost-chart .series-tier-frontier rect.bar')
      .first()
      .evaluate((el) => getComputedStyle(el).fill);
    assert.equal(fill, 'rgb(177, 128, 215)', 'frontier bars take --vscode-charts-purple');
    assert.match(await view.page.locator('.cards').innerText(), /Saved by routing/);
    const since = view.posted.length;
    await view.page.locator('label[for="split-model"]').click();
    assert.equal((await view.waitForPosted('setCostSplit', since)).split, 'model');
    await view.page.waitForFunction(() => document.querySelector('ul.legend')?.textContent?.includes('claude-sonnet-5-5') ?? false);
    await shot('router-webview-cost-dark');
  });

  it('selects and focuses the Feel tab when the host posts showTab', async () => {
    await view.page.getByRole('tab', { name: 'Decisions' }).click();
    assert.equal(await view.page.locator('#tab-feel').getAttribute('aria-selected'), 'false');
    // A comparison arriving on another tab marks Feel as unseen; showTab must clear the mark.
    await view.send([
      { type: 'comparisonStarted', comparisonId: 'cmp-tab', task: 'chat', prompt: 'Which is clearer?', startedAt: Date.now() },
    ]);
    await view.page.locator('#tab-feel .tab-dot').waitFor();
    await view.send([{ type: 'showTab', tab: 'feel' }]);
    await view.page.waitForFunction(() => document.getElementById('tab-feel')?.getAttribute('aria-selected') === 'true');
    assert.deepEqual(
      await view.page.$$eval('[role="tab"]', (tabs) =>
        tabs.map((t) => [t.id, t.getAttribute('aria-selected'), (t as HTMLElement).tabIndex]),
      ),
      [
        ['tab-decisions', 'false', -1],
        ['tab-cost', 'false', -1],
        ['tab-feel', 'true', 0],
      ],
    );
    assert.equal(await view.page.locator('#panel-feel').isVisible(), true);
    assert.equal(await view.page.locator('#panel-decisions').isHidden(), true);
    assert.equal(await view.page.locator('#panel-cost').isHidden(), true);
    assert.equal(await view.page.evaluate(() => document.activeElement?.id), 'tab-feel', 'focus moves to the selected tab');
    assert.equal(await view.page.locator('#tab-feel .tab-dot').isHidden(), true, 'the new comparison is now in view');
    assert.equal(await view.page.locator('article.comparison[data-comparison="cmp-tab"]').isVisible(), true);

    // Another tab by name, and a name the panel does not have (ignored, no error).
    await view.send([{ type: 'showTab', tab: 'cost' }]);
    await view.page.waitForFunction(() => document.getElementById('tab-cost')?.getAttribute('aria-selected') === 'true');
    await view.send([{ type: 'showTab', tab: 'settings' } as unknown as RouterHostMessage, { type: 'showTab', tab: 'decisions' }]);
    await view.page.waitForFunction(() => document.getElementById('tab-decisions')?.getAttribute('aria-selected') === 'true');
    assert.equal(await view.page.locator('[role="tab"][aria-selected="true"]').count(), 1);
    await noProblems(view);
  });

  it('shows a comparison blinded (no cost, tokens or times), posts the vote with tags, and reveals the models and figures after it', async () => {
    await view.page.getByRole('tab', { name: 'Feel' }).click();
    const answers = {
      first: { model: 'gpt-6-luna', text: 'function total(items) {\n  return items.reduce((sum, i) => sum + i.price, 0);\n}\n' },
      second: { model: 'claude-haiku-4-5', text: 'const total = (items) =>\n  items.map((i) => i.price).reduce((a, b) => a + b, 0);\n' },
    };
    const blinded = blindComparison(
      'cmp-1',
      'edit',
      { model: answers.first.model, answer: answers.first.text },
      { model: answers.second.model, answer: answers.second.text },
      seededRng(5),
    );
    sealed.set('cmp-1', blinded.sealed);
    const started = {
      type: 'comparisonStarted',
      comparisonId: 'cmp-1',
      task: 'edit',
      prompt: 'Sum the prices of the items in the cart',
      startedAt: Date.now(),
    } as const;
    comparisonStores[0].start(started, true);
    await view.send([started]);
    const hostPosts: RouterHostMessage[] = [];
    const post = async (update: ComparisonUpdate) => {
      const blind = comparisonStores[0].update(update, true);
      hostPosts.push(blind);
      await view.send([blind]);
    };
    for (const side of ['a', 'b'] as const) {
      const text = blinded.shown[side];
      for (let i = 0; i < text.length; i += 12)
        await post({ type: 'comparisonDelta', comparisonId: 'cmp-1', side, text: text.slice(i, i + 12) });
    }
    // A 40× price gap would name the models: none of it may reach the page before the vote.
    await post({
      type: 'comparisonSideDone',
      comparisonId: 'cmp-1',
      side: 'a',
      figures: { ttftMs: 420, totalMs: 2310, costUsd: 0.00037, inputTokens: 1480, outputTokens: 212 },
    });
    await post({
      type: 'comparisonSideDone',
      comparisonId: 'cmp-1',
      side: 'b',
      figures: { ttftMs: 610, totalMs: 1840, costUsd: 0.0000088, inputTokens: 1502, outputTokens: 174 },
    });
    for (const m of hostPosts)
      assert.doesNotMatch(JSON.stringify(m), /cost|usd|token|Ms"|0\.00037|2310|1840|1480/i, 'what the host posts before the vote');
    const card = view.page.locator('article.comparison[data-comparison="cmp-1"]');
    await card.locator('.side-a pre.answer').waitFor();
    assert.equal((await card.locator('.side-a pre.answer').textContent()) ?? '', blinded.shown.a, 'side A streamed in full');
    const blindText = await card.innerText();
    assert.ok(!blindText.includes('gpt-6-luna') && !blindText.includes('claude-haiku-4-5'), 'no model names before the vote');
    const voteB = card.getByRole('button', { name: 'B is better' });
    await view.page.waitForFunction(() => !(document.querySelector('article.comparison [data-choice="b"]') as HTMLButtonElement).disabled);
    const statusBefore = (await card.locator('.side-status').allInnerTexts()).join(' | ');
    const beforeVote = await card.innerText();
    assert.doesNotMatch(beforeVote, /\$/, 'no cost before the vote');
    assert.doesNotMatch(beforeVote, /\d\s*(ms|s)\b/, 'no latency before the vote');
    assert.doesNotMatch(statusBefore, /\d/, 'no figure at all under either answer before the vote');
    assert.match(beforeVote, /B was faster\./, 'relative speed, without numbers');
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(ARTIFACTS, 'router-webview-blind-before-vote.png') });
    await card.getByRole('button', { name: 'Faster' }).click();
    assert.equal(await card.getByRole('button', { name: 'Faster' }).getAttribute('aria-pressed'), 'true');
    const since = view.posted.length;
    await voteB.click();
    const vote = await view.waitForPosted('vote', since);
    assert.deepEqual(
      { comparisonId: vote.comparisonId, choice: vote.choice, tags: vote.tags },
      { comparisonId: 'cmp-1', choice: 'b', tags: ['faster'] },
    );
    await card.locator('.revealed-model').first().waitFor();
    assert.deepEqual(await card.locator('.revealed-model').allInnerTexts(), [blinded.sealed.modelA, blinded.sealed.modelB]);
    assert.equal(await card.locator('.side-b .badge-winner').count(), 1, 'the preferred side is marked');
    assert.equal(await card.getByRole('button', { name: 'A is better' }).isDisabled(), true, 'one vote per comparison');
    await card.locator('.side-b .side-figures').waitFor();
    assert.match(
      await card.locator('.side-a .side-status').innerText(),
      /first token 420 ms · total 2\.3 s · 1\.5k in · 212 out · \$0\.00037/,
    );
    assert.match(await card.locator('.side-b .side-status').innerText(), /first token 610 ms · total 1\.8 s · .* · \$0\.0000088/);
    await card.screenshot({ path: path.join(ARTIFACTS, 'router-webview-blind-after-vote.png') });
  });

  it('shows leaderboards and drift, compares a drifted model, applies a route proposal and opts in to auto-apply', async () => {
    const leaderboard = view.page.locator('.board[data-task="edit"] table');
    assert.match(await leaderboard.innerText(), /claude-haiku-4-5/);
    assert.equal(await view.page.locator('.board').count(), 3, 'edit, chat and completion have votes');

    let since = view.posted.length;
    const drift = view.page.locator('li.drift-event[data-model="qwen2.5-coder:1.5b-base"]');
    await drift.getByRole('button', { name: /Compare qwen2.5-coder/ }).click();
    assert.equal((await view.waitForPosted('compareDrift', since)).modelId, 'qwen2.5-coder:1.5b-base');
    await drift.locator('.drift-result table').waitFor();
    assert.match(await drift.locator('.drift-result table').innerText(), /Before \(sha256:4a7f21\)/);

    const proposal = view.page.locator('li.proposal.propose[data-task="edit"]');
    await proposal.waitFor();
    assert.match(await proposal.innerText(), /put claude-haiku-4-5 first/);
    await view.page.locator('#panel-feel').evaluate((el) => el.scrollTo(0, 0));
    await shot('router-webview-feel');

    since = view.posted.length;
    await proposal.getByRole('button', { name: /Apply the edit route change/ }).click();
    assert.equal((await view.waitForPosted('applyProposal', since)).task, 'edit');
    await view.page.waitForFunction(() =>
      /switchboard\.routes\.edit is now claude-haiku-4-5/.test(document.querySelector('.status')?.textContent ?? ''),
    );
    const kept = view.page.locator('li.proposal.keep[data-task="edit"]');
    await kept.waitFor();
    assert.match(await kept.innerText(), /than claude-haiku-4-5/, 'with the new route in force there is nothing left to propose');

    since = view.posted.length;
    await view.page.locator('#auto-apply').check();
    assert.equal((await view.waitForPosted('setAutoApply', since)).enabled, true);
    await view.page.waitForFunction(() => (document.querySelector('#auto-apply') as HTMLInputElement).checked);
    await noProblems(view);
  });

  it('a reopened panel rebuilds a comparison that ran on while it was closed, on the Feel tab, ready for the vote', async () => {
    // As RouterPanelHost does: cards kept in PendingComparisons, replayed after init, then showTab.
    const comparisons = new PendingComparisons();
    comparisonStores.push(comparisons);
    const blinded = blindComparison(
      'cmp-reopen',
      'chat',
      { model: 'gpt-6-luna', answer: 'Use a Map keyed by id.' },
      { model: 'claude-haiku-4-5', answer: 'Sort, then walk once.' },
      seededRng(11),
    );
    sealed.set('cmp-reopen', blinded.sealed);
    comparisons.start(
      { type: 'comparisonStarted', comparisonId: 'cmp-reopen', task: 'chat', prompt: 'Remove duplicate users', startedAt: Date.now() },
      false,
    );
    for (const side of ['a', 'b'] as const) {
      const text = blinded.shown[side];
      for (let i = 0; i < text.length; i += 5)
        comparisons.update({ type: 'comparisonDelta', comparisonId: 'cmp-reopen', side, text: text.slice(i, i + 5) }, false);
      comparisons.update(
        {
          type: 'comparisonSideDone',
          comparisonId: 'cmp-reopen',
          side,
          figures: { ttftMs: 300, totalMs: 1200, costUsd: 0.001, inputTokens: 40, outputTokens: 9 },
        },
        false,
      );
    }
    assert.equal(comparisons.needsAttention(), true);
    const reopenedHost = async (m: RouterWebviewMessage): Promise<RouterHostMessage[]> => {
      if (m.type !== 'ready') return host(m);
      const out = [...(session.answer(m) ?? []), ...comparisons.replay()];
      if (comparisons.needsAttention()) out.push({ type: 'showTab', tab: 'feel' });
      comparisons.markShown();
      return out;
    };
    const reopened = await openRouterWebview(browser, server, 'dark', reopenedHost);
    try {
      await reopened.waitForPosted('ready');
      assert.equal((reopened.posted[0] as { type: string }).type, 'ready');
      const card = reopened.page.locator('article.comparison[data-comparison="cmp-reopen"]');
      await card.waitFor();
      await reopened.page.waitForFunction(() => document.getElementById('tab-feel')?.getAttribute('aria-selected') === 'true');
      assert.equal(await reopened.page.locator('#panel-feel').isVisible(), true);
      assert.equal(await reopened.page.locator('#panel-decisions').isHidden(), true);
      assert.equal(await card.locator('.side-a pre.answer').textContent(), blinded.shown.a, 'side A in full');
      assert.equal(await card.locator('.side-b pre.answer').textContent(), blinded.shown.b, 'side B in full');
      assert.ok(!(await card.innerText()).includes('gpt-6-luna'), 'still blind');
      assert.doesNotMatch(await card.innerText(), /\$|\d\s*(ms|s)\b/, 'no cost or latency in the replay either');
      assert.match(await card.innerText(), /A and B took about as long\./);
      const voteA = card.getByRole('button', { name: 'A is better' });
      assert.equal(await voteA.isEnabled(), true, 'both answers are in: the vote is open');
      const since = reopened.posted.length;
      await voteA.click();
      assert.equal((await reopened.waitForPosted('vote', since)).comparisonId, 'cmp-reopen');
      await card.locator('.revealed-model').first().waitFor();
      assert.deepEqual(await card.locator('.revealed-model').allInnerTexts(), [blinded.sealed.modelA, blinded.sealed.modelB]);
      await card.locator('.side-b .side-figures').waitFor();
      assert.match(await card.innerText(), /total 1\.2 s · 40 in · 9 out · \$0\.001/, 'the figures come with the reveal');
      await noProblems(reopened);
    } finally {
      await reopened.close();
    }
  });

  it('renders in the light and high-contrast themes', async () => {
    await view.close();
    view = await openRouterWebview(browser, server, 'light', host);
    await view.page.waitForFunction(() => document.querySelectorAll('tr.row').length === 100);
    assert.equal(await view.page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(255, 255, 255)');
    assert.equal(await view.page.evaluate(() => getComputedStyle(document.body).color), 'rgb(59, 59, 59)');
    const first = (await rowIds())[2];
    await view.page.locator(`tr.row[data-id="${first}"] button.expand`).click();
    await view.page.locator(`#detail-${first}`).waitFor();
    await shot('router-webview-light');
    await noProblems(view);
    await view.close();
    view = await openRouterWebview(browser, server, 'high-contrast', host);
    await view.page.waitForFunction(() => document.querySelectorAll('tr.row').length === 100);
    await view.page.getByRole('tab', { name: 'Cost' }).click();
    await view.page.locator('svg.cost-chart rect.bar').first().waitFor();
    await shot('router-webview-cost-hc');
    await noProblems(view);
  });
});
