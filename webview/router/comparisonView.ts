// One blinded A/B comparison: both answers side by side as they stream, which was faster, the vote,
// optional tags, then the models with each side's latency, tokens and cost (the host sends none earlier).
import type { VoteChoice, VoteTag } from '../../src/core/ratings/blinding';
import type { ComparisonSide, ComparisonSideFigures, ComparisonSpeed, RouterHostMessageOf } from '../../src/shared/routerProtocol';
import type { ViewHost } from './decisionsView';
import { button, clear, h } from '../common/dom';
import { durationOrMissing, tokensOrMissing, usdOrMissing } from '../common/format';
import { formatWhen } from './format';

const CHOICES: readonly { choice: VoteChoice; label: string }[] = [
  { choice: 'a', label: 'A is better' },
  { choice: 'b', label: 'B is better' },
  { choice: 'tie', label: 'Tie' },
  { choice: 'bothBad', label: 'Both bad' },
];
const TAGS: readonly { tag: VoteTag; label: string }[] = [
  { tag: 'faster', label: 'Faster' },
  { tag: 'correct', label: 'More correct' },
  { tag: 'concise', label: 'More concise' },
  { tag: 'style', label: 'Better style' },
];
const CHOICE_TEXT: Record<VoteChoice, string> = { a: 'A is better', b: 'B is better', tie: 'a tie', bothBad: 'both bad' };
const STICK_PX = 24;

interface Side {
  element: HTMLElement;
  heading: HTMLElement;
  text: Text;
  body: HTMLElement;
  status: HTMLElement;
  done: boolean;
  error?: string;
}

export class ComparisonView {
  readonly element: HTMLElement;
  private readonly sides: Record<ComparisonSide, Side>;
  private readonly tags = new Set<VoteTag>();
  private readonly voteButtons: HTMLButtonElement[] = [];
  private readonly tagButtons: HTMLButtonElement[] = [];
  private readonly voteStatus: HTMLElement;
  private voted: VoteChoice | undefined;
  private faster: ComparisonSpeed | undefined;

  constructor(
    private readonly host: ViewHost,
    readonly started: RouterHostMessageOf<'comparisonStarted'>,
  ) {
    const id = started.comparisonId;
    this.sides = { a: this.side('a', id), b: this.side('b', id) };
    const votes = h('div', { class: 'vote-buttons', role: 'group', 'aria-label': 'Your vote' });
    for (const { choice, label } of CHOICES) {
      const b = button(label, { class: choice === 'bothBad' ? 'secondary' : '', 'data-choice': choice, disabled: true });
      b.addEventListener('click', () => this.vote(choice));
      this.voteButtons.push(b);
      votes.append(b);
    }
    const tags = h('div', { class: 'vote-tags', role: 'group', 'aria-label': 'Why (optional)' }, h('span', { class: 'muted' }, 'Why:'));
    for (const { tag, label } of TAGS) {
      const b = button(label, { class: 'tag', 'aria-pressed': 'false', 'data-tag': tag });
      b.addEventListener('click', () => {
        if (this.voted) return;
        const on = !this.tags.has(tag);
        if (on) this.tags.add(tag);
        else this.tags.delete(tag);
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
      });
      this.tagButtons.push(b);
      tags.append(b);
    }
    this.voteStatus = h(
      'p',
      { class: 'vote-status muted', 'aria-live': 'polite' },
      'Vote when both answers have finished. The models, times and costs are revealed after you vote.',
    );
    this.element = h(
      'article',
      { class: 'comparison', 'data-comparison': id, 'aria-label': `Blind comparison for ${started.task}` },
      h(
        'header',
        { class: 'comparison-header' },
        h('h4', {}, `Blind comparison · ${started.task}`),
        h('span', { class: 'muted' }, formatWhen(started.startedAt)),
      ),
      started.prompt ? h('blockquote', { class: 'prompt', title: started.prompt }, started.prompt) : null,
      h('div', { class: 'sides' }, this.sides.a.element, this.sides.b.element),
      h('div', { class: 'vote-bar' }, votes, tags),
      this.voteStatus,
    );
  }

  delta(side: ComparisonSide, text: string): void {
    const s = this.sides[side];
    const atBottom = s.body.scrollHeight - s.body.scrollTop - s.body.clientHeight < STICK_PX;
    s.text.appendData(text);
    if (atBottom) s.body.scrollTop = s.body.scrollHeight;
  }

  sideDone(msg: RouterHostMessageOf<'comparisonSideDone'>): void {
    const s = this.sides[msg.side];
    s.done = true;
    s.error = msg.error;
    s.element.classList.add('done');
    // Blind: no cost, tokens or times until the vote, only that the side finished and, once both have, which was faster.
    clear(s.status, msg.error ? h('span', { class: 'error-text' }, msg.error) : h('span', {}, 'finished'));
    if (msg.faster) this.faster = msg.faster;
    if (this.faster && this.faster !== 'same') {
      for (const side of ['a', 'b'] as const) this.sides[side].element.classList.toggle('faster', side === this.faster);
      clear(this.sides[this.faster].status, h('span', {}, 'finished · faster'));
    }
    if (this.sides.a.done && this.sides.b.done && this.voted === undefined) {
      for (const b of this.voteButtons) b.disabled = false;
      this.voteStatus.textContent = `Which answer is better?${speedText(this.faster)} The models, times and costs are revealed after you vote.`;
    }
  }

  revealed(msg: RouterHostMessageOf<'comparisonRevealed'>): void {
    this.voted = msg.choice;
    this.lock();
    for (const [side, model] of [
      ['a', msg.modelA],
      ['b', msg.modelB],
    ] as const) {
      const s = this.sides[side];
      const won = msg.winner !== null && msg.winner === model;
      clear(
        s.heading,
        `${side.toUpperCase()} · `,
        h('span', { class: 'revealed-model' }, model),
        won ? h('span', { class: 'badge badge-winner' }, 'preferred') : null,
      );
      s.element.classList.toggle('winner', won);
      const figures = msg.figures[side];
      if (figures)
        clear(
          s.status,
          s.error ? h('span', { class: 'error-text' }, s.error) : null,
          h('span', { class: 'side-figures' }, `${side === this.faster ? 'faster · ' : ''}${figuresText(figures)}`),
        );
    }
    this.element.classList.add('revealed');
    this.voteStatus.textContent = `You voted ${CHOICE_TEXT[msg.choice]}${this.tags.size ? ` (${[...this.tags].join(', ')})` : ''}. A was ${msg.modelA}, B was ${msg.modelB}.`;
  }

  private vote(choice: VoteChoice): void {
    if (this.voted) return;
    this.voted = choice;
    this.lock();
    this.voteButtons.find((b) => b.dataset.choice === choice)?.classList.add('chosen');
    this.voteStatus.textContent = `Vote recorded: ${CHOICE_TEXT[choice]}. Revealing the models…`;
    this.host.post({ type: 'vote', id: this.host.nextId(), comparisonId: this.started.comparisonId, choice, tags: [...this.tags] });
  }

  private lock(): void {
    for (const b of this.voteButtons) b.disabled = true;
    for (const b of this.tagButtons) b.disabled = true;
  }

  private side(side: ComparisonSide, id: string): Side {
    const text = document.createTextNode('');
    const heading = h('h5', { id: `cmp-${id}-${side}` }, side.toUpperCase());
    const body = h('pre', { class: 'answer', tabindex: '0', 'aria-labelledby': `cmp-${id}-${side}` }, text);
    const status = h('div', { class: 'side-status muted' }, 'streaming…');
    const element = h('section', { class: `side side-${side}`, 'data-side': side }, heading, body, status);
    return { element, heading, text, body, status, done: false };
  }
}

/** The relative speed a card may show before the vote: no numbers. */
function speedText(faster: ComparisonSpeed | undefined): string {
  if (faster === undefined) return '';
  return faster === 'same' ? ' A and B took about as long.' : ` ${faster.toUpperCase()} was faster.`;
}

/** A side's figures, shown with the reveal. */
function figuresText(f: ComparisonSideFigures): string {
  return [
    `first token ${durationOrMissing(f.ttftMs)}`,
    `total ${durationOrMissing(f.totalMs)}`,
    `${tokensOrMissing(f.inputTokens)} in · ${tokensOrMissing(f.outputTokens)} out`,
    usdOrMissing(f.costUsd),
  ].join(' · ');
}
