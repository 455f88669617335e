// One question and its answer: the streamed body, fallbacks, errors with actions, and the meta footer.
import type { AnswerMeta, ChatAction, ChatFallback, ChatModelOption, ChatTurn, ChatWebviewMessage } from '../../src/shared/protocol';
import { button, h } from '../common/dom';
import { formatDuration, formatTokens } from '../../src/core/format';
import { formatCost } from './format';
import { StreamingMarkdownView } from './markdown';

export type TurnState = 'waiting' | 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

/** The answer's tokens as the footer shows them: `1.2k in · 40 out`, or `~1.5k in · ~120 out` when estimated. */
export function tokensText(meta: Pick<AnswerMeta, 'usage' | 'estimated'>): string {
  const about = meta.estimated ? '~' : '';
  return `${about}${formatTokens(meta.usage.inputTokens)} in · ${about}${formatTokens(meta.usage.outputTokens)} out`;
}

/** The answer's cost as the footer shows it: `$0.0014`, `free`, or `~$0.0004 (estimated)`. */
export function costText(meta: Pick<AnswerMeta, 'costUsd' | 'tier' | 'estimated'>): string {
  const cost = formatCost(meta.costUsd, meta.tier);
  return meta.estimated && meta.costUsd !== null ? `~${cost} (estimated)` : cost;
}

/** The spend in one line: `stopped · ~1.5k in · ~120 out · ~$0.0004 (estimated)`. */
export function spendText(meta: Pick<AnswerMeta, 'usage' | 'costUsd' | 'tier' | 'estimated' | 'stopped'>): string {
  return [...(meta.stopped ? ['stopped'] : []), tokensText(meta), costText(meta)].join(' · ');
}

type Post = (message: ChatWebviewMessage) => void;

export class TurnView {
  readonly element: HTMLElement;
  private answerText = '';
  private model: ChatModelOption | undefined;
  private meta: AnswerMeta | undefined;
  private error: { message: string; actions?: ChatAction[] } | undefined;
  private fallbacks: ChatFallback[] = [];
  private turnState: TurnState = 'waiting';
  private bodyDirty = false;
  private readonly body = new StreamingMarkdownView();
  private readonly answer: HTMLElement;
  private readonly status: HTMLElement;
  private readonly fallbackBox: HTMLElement;
  private readonly errorBox: HTMLElement;
  private readonly metaBox: HTMLElement;

  constructor(
    readonly id: string,
    readonly userText: string,
    private readonly post: Post,
  ) {
    this.status = h('span', { class: 'answer-status' });
    this.fallbackBox = h('ul', { class: 'fallbacks', 'aria-label': 'Fallbacks' });
    this.errorBox = h('div', { class: 'answer-error', role: 'alert' });
    this.metaBox = h('footer', { class: 'answer-meta' });
    this.answer = h(
      'section',
      { class: 'answer', 'aria-label': 'Answer' },
      h('div', { class: 'speaker' }, h('span', { class: 'speaker-name' }, 'Switchboard'), this.status),
      this.fallbackBox,
      this.body.element,
      this.body.more,
      this.errorBox,
      this.metaBox,
    );
    this.element = h(
      'article',
      { class: 'turn', 'data-turn-id': id },
      h(
        'section',
        { class: 'question', 'aria-label': 'Your question' },
        h('div', { class: 'speaker' }, 'You'),
        h('div', { class: 'question-text' }, userText),
      ),
      this.answer,
    );
    this.update();
  }

  /** Rebuilds a turn from history; `streaming` when the host says its answer is still coming. */
  static fromTurn(turn: ChatTurn, streaming: boolean, post: Post): TurnView {
    const view = new TurnView(turn.id, turn.userText, post);
    view.answerText = turn.answerText;
    view.model = turn.model;
    if (turn.meta) {
      view.finish(turn.meta);
    } else if (turn.error) {
      view.fail(turn.error.message, turn.error.actions);
    } else {
      view.turnState = streaming ? (turn.answerText ? 'streaming' : 'waiting') : 'interrupted';
      view.bodyDirty = true;
      view.flush();
      view.update();
    }
    return view;
  }

  get state(): TurnState {
    return this.turnState;
  }

  get needsRender(): boolean {
    return this.bodyDirty;
  }

  get modelLabel(): string | undefined {
    return this.meta?.modelLabel ?? this.model?.label;
  }

  start(model: ChatModelOption | undefined, fallback: ChatFallback | undefined): void {
    if (model) this.model = model;
    if (fallback) this.fallbacks.push(fallback);
    this.update();
  }

  appendDelta(text: string): void {
    this.answerText += text;
    this.bodyDirty = true;
    if (this.turnState === 'waiting') {
      this.turnState = 'streaming';
      this.update();
    }
  }

  /** Re-renders the body if text arrived since the last call. */
  flush(): void {
    if (!this.bodyDirty) return;
    this.bodyDirty = false;
    this.body.render(this.answerText, !this.isOpen());
  }

  finish(meta: AnswerMeta): void {
    this.meta = meta;
    this.fallbacks = meta.fallbacks;
    this.turnState = meta.stopped ? 'stopped' : 'done';
    this.bodyDirty = true;
    this.flush();
    this.update();
  }

  fail(message: string, actions: ChatAction[] | undefined): void {
    this.error = { message, ...(actions ? { actions } : {}) };
    this.turnState = 'error';
    this.bodyDirty = true;
    this.flush();
    this.update();
  }

  isOpen(): boolean {
    return this.turnState === 'waiting' || this.turnState === 'streaming';
  }

  toTurn(): ChatTurn {
    return {
      id: this.id,
      userText: this.userText,
      answerText: this.answerText,
      ...(this.model ? { model: this.model } : {}),
      ...(this.meta ? { meta: this.meta } : {}),
      ...(this.error ? { error: this.error } : {}),
    };
  }

  private update(): void {
    this.answer.dataset['state'] = this.turnState;
    this.answer.setAttribute('aria-busy', String(this.isOpen()));
    const label = this.model?.label;
    this.status.textContent =
      this.turnState === 'waiting'
        ? label
          ? `asking ${label}…`
          : 'routing…'
        : this.turnState === 'streaming'
          ? label
            ? `${label} is answering…`
            : 'answering…'
          : this.turnState === 'interrupted'
            ? 'interrupted'
            : '';
    this.fallbackBox.replaceChildren(
      ...this.fallbacks.map((f) =>
        h(
          'li',
          { class: 'fallback' },
          h('span', { class: 'fallback-icon', 'aria-hidden': 'true' }, '⚠'),
          `${f.from} ${f.reason} → ${f.to}`,
        ),
      ),
    );
    this.fallbackBox.hidden = this.fallbacks.length === 0;
    this.renderError();
    this.renderMeta();
  }

  private renderError(): void {
    this.errorBox.hidden = !this.error;
    if (!this.error) return this.errorBox.replaceChildren();
    const actions = (this.error.actions ?? []).map((action) => {
      const b = button(action.label, { class: 'error-action' });
      b.addEventListener('click', () => {
        const { label: _label, ...invocation } = action;
        this.post({ type: 'runCommand', ...invocation });
      });
      return b;
    });
    this.errorBox.replaceChildren(
      h('p', { class: 'error-message' }, h('span', { class: 'error-icon', 'aria-hidden': 'true' }, '✕'), this.error.message),
    );
    if (actions.length > 0) this.errorBox.append(h('div', { class: 'error-actions' }, ...actions));
  }

  private renderMeta(): void {
    const meta = this.meta;
    this.metaBox.hidden = !meta;
    if (!meta) return this.metaBox.replaceChildren();
    const { usage } = meta;
    const line = h(
      'div',
      { class: 'meta-line' },
      h('span', { class: 'meta-model' }, meta.modelLabel),
      h('span', { class: `tier tier-${meta.tier}`, title: `${meta.tier} tier, ${meta.provider}` }, meta.tier),
      h(
        'span',
        {
          class: 'meta-cost',
          title: meta.estimated
            ? `Estimated cost of this answer (${spendText(meta)}): it ended before the provider reported its usage`
            : 'Cost of this answer',
        },
        costText(meta),
      ),
      meta.stopped ? h('span', { class: 'meta-stopped' }, 'stopped') : null,
    );
    const stats = h(
      'div',
      { class: 'meta-stats' },
      h('span', { title: meta.estimated ? 'Input tokens · output tokens (estimated)' : 'Input tokens · output tokens' }, tokensText(meta)),
      usage.cacheReadTokens > 0
        ? h('span', { title: 'Input tokens read from the prompt cache' }, `${formatTokens(usage.cacheReadTokens)} cached`)
        : null,
      usage.cacheWriteTokens > 0
        ? h('span', { title: 'Input tokens written to the prompt cache' }, `${formatTokens(usage.cacheWriteTokens)} cache write`)
        : null,
      meta.ttftMs !== null ? h('span', { title: 'Time to first token' }, `first token ${formatDuration(meta.ttftMs)}`) : null,
      h('span', { title: 'Total time' }, `total ${formatDuration(meta.totalMs)}`),
    );
    const why = h('details', { class: 'why' }, h('summary', {}, `Why ${meta.modelLabel}?`));
    if (meta.reasons.length > 0) why.append(h('ul', { class: 'why-reasons' }, ...meta.reasons.map((r) => h('li', {}, r))));
    if (meta.dropped.length > 0) {
      why.append(
        h('div', { class: 'why-heading' }, 'Not used'),
        h('ul', { class: 'why-dropped' }, ...meta.dropped.map((d) => h('li', {}, h('code', {}, d.modelId), ` — ${d.reason}`))),
      );
    }
    if (meta.reasons.length === 0 && meta.dropped.length === 0) why.append(h('p', {}, 'The router gave no reasons.'));
    this.metaBox.replaceChildren(line, stats, why);
  }
}
