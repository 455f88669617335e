// Chat panel (browser side): the conversation, streaming answers, context chips, the model pin.
// Talks to the extension host only through the messages in src/shared/protocol.ts.
import type { ChatHostMessage, ChatModelOption, ChatPin, ChatTurn, ChatWebviewMessage, ContextChip } from '../src/shared/protocol';
import { MAX_CODE_CHARS } from '../src/shared/protocol';
import { Composer } from './chat/composer';
import { button, h } from './common/dom';
import { codeBlockText } from './chat/codeBlock';
import { icon } from './chat/icons';
import { TurnView } from './chat/turnView';

/** What survives the view being hidden and shown again (never keys or settings). */
interface SavedChatState {
  version: 1;
  turns: ChatTurn[];
  busyId: string | null;
  models: ChatModelOption[];
  chips: ContextChip[];
  pin: ChatPin | null;
  draft: string;
}

const SAVED_TURNS = 40;
/** Saved state is only what shows before the host's init arrives: a huge answer keeps its first part (what the view shows first). */
const SAVED_ANSWER_CHARS = 256_000;
const PERSIST_DELAY_MS = 400;
const STICK_TO_BOTTOM_PX = 48;

const vscode = acquireVsCodeApi<SavedChatState>();

function post(message: ChatWebviewMessage): void {
  vscode.postMessage(message);
}

class ChatApp {
  private readonly turns = new Map<string, TurnView>();
  private readonly dirty = new Set<TurnView>();
  private busyId: string | null = null;
  private models: ChatModelOption[] = [];
  private chips: ContextChip[] = [];
  private pin: ChatPin | null = null;
  private draft = '';
  private frame = 0;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private stickToBottom = true;
  private requestCounter = 0;
  private answersFinished = 0;
  /** An `@` typed in the question box that opened the file picker. */
  private pendingAt: { requestId: string; index: number } | undefined;
  private readonly log: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly announcer: HTMLElement;
  private readonly composer: Composer;

  constructor(root: HTMLElement) {
    const newChat = button([icon('plus'), 'New chat'], {
      class: 'toolbar-button',
      title: 'Start a new conversation',
      'aria-label': 'New conversation',
    });
    newChat.addEventListener('click', () => this.newConversation());
    const routerPanel = button([icon('chart'), 'Router'], {
      class: 'toolbar-button',
      title: 'Open the router panel: decisions, costs, comparisons',
      'aria-label': 'Open router panel',
    });
    routerPanel.addEventListener('click', () => post({ type: 'openRouterPanel' }));

    this.empty = h(
      'div',
      { class: 'empty' },
      h('p', { class: 'empty-title' }, 'Ask Switchboard anything about your code.'),
      h('p', {}, 'Each question goes to the model that fits it; every answer shows which model, why, the tokens, the cost and the time.'),
      h('p', {}, 'Add context with @, or pin a model below.'),
    );
    this.log = h('div', { class: 'log', role: 'log', 'aria-live': 'off', 'aria-label': 'Conversation', tabindex: 0 }, this.empty);
    this.log.addEventListener('click', (e) => this.onLogClick(e));
    this.log.addEventListener('scroll', () => {
      this.stickToBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < STICK_TO_BOTTOM_PX;
    });
    this.announcer = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });

    this.composer = new Composer({
      send: (text, pin) => this.send(text, pin),
      stop: () => this.stop(),
      addFile: (atIndex) => this.addFile(atIndex),
      toggleChip: (chipId, enabled) => post({ type: 'toggleContext', chipId, enabled }),
      removeChip: (chipId) => post({ type: 'removeContext', chipId }),
      pinChanged: (pin, scope) => {
        this.pin = pin;
        post({ type: 'setPin', modelId: pin?.modelId ?? null, scope });
        this.persistSoon();
      },
      draftChanged: (text) => {
        this.draft = text;
        this.persistSoon();
      },
    });

    root.replaceChildren(
      h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Chat' }, h('span', { class: 'spacer' }), newChat, routerPanel),
      this.log,
      this.announcer,
      this.composer.element,
    );
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.busyId && !e.defaultPrevented && !e.isComposing) {
        e.preventDefault();
        this.stop();
      }
    });
    window.addEventListener('message', (e: MessageEvent<ChatHostMessage>) => this.onMessage(e.data));
  }

  restore(saved: SavedChatState | undefined): void {
    if (saved?.version !== 1) return;
    this.models = saved.models;
    this.chips = saved.chips;
    this.pin = saved.pin;
    this.draft = saved.draft;
    this.composer.setModels(this.models);
    this.composer.setPin(this.pin);
    this.composer.setChips(this.chips);
    this.composer.setDraft(this.draft);
    this.showHistory(saved.turns, saved.busyId);
  }

  private onMessage(message: ChatHostMessage): void {
    switch (message.type) {
      case 'init':
        this.models = message.models;
        this.chips = message.chips;
        this.pin = message.pin;
        this.composer.setModels(this.models);
        this.composer.setPin(this.pin);
        this.composer.setChips(this.chips);
        this.showHistory(message.history, message.busy?.id ?? null);
        this.persistNow();
        return;
      case 'history':
        this.showHistory(message.history, message.busy?.id ?? null);
        this.persistNow();
        return;
      case 'chips':
        this.onChips(message.chips, message.replyTo);
        return;
      case 'models':
        this.models = message.models;
        this.composer.setModels(this.models);
        this.composer.setPin(this.pin);
        this.persistSoon();
        return;
      case 'pin':
        this.pin = message.pin;
        this.composer.setPin(this.pin);
        this.persistSoon();
        return;
      case 'focusInput':
        this.composer.focus();
        return;
      case 'turnStart':
        if (!this.turns.has(message.id)) this.addTurn(new TurnView(message.id, message.userText, post));
        this.setBusy(message.id);
        return;
      case 'answerStart':
        this.turns.get(message.id)?.start(message.model, message.fallback);
        return;
      case 'answerDelta': {
        const turn = this.turns.get(message.id);
        if (!turn || !turn.isOpen()) return;
        turn.appendDelta(message.text);
        this.dirty.add(turn);
        this.scheduleFrame();
        this.persistSoon();
        return;
      }
      case 'answerEnd': {
        const turn = this.turns.get(message.id);
        if (!turn) return;
        turn.finish(message.meta);
        this.afterAnswer(
          turn,
          message.meta.stopped ? `Answer from ${message.meta.modelLabel} stopped.` : `Answer from ${message.meta.modelLabel} finished.`,
        );
        return;
      }
      case 'answerError': {
        const turn = this.turns.get(message.id);
        if (!turn) return;
        turn.fail(message.message, message.actions);
        this.afterAnswer(turn, undefined);
        return;
      }
    }
  }

  private afterAnswer(turn: TurnView, announcement: string | undefined): void {
    this.dirty.delete(turn);
    if (this.busyId === turn.id) this.setBusy(null);
    // A distinct text each time, so screen readers announce repeated completions.
    if (announcement) this.announcer.textContent = `${announcement} (${++this.answersFinished})`;
    this.scrollIfStuck();
    this.persistNow();
  }

  private showHistory(history: ChatTurn[], busyId: string | null): void {
    this.turns.clear();
    this.dirty.clear();
    for (const el of this.log.querySelectorAll('.turn')) el.remove();
    for (const turn of history) this.addTurn(TurnView.fromTurn(turn, turn.id === busyId, post));
    this.setBusy(busyId && this.turns.has(busyId) ? busyId : null);
    this.stickToBottom = true;
    this.scrollIfStuck();
  }

  private addTurn(turn: TurnView): void {
    this.turns.set(turn.id, turn);
    this.log.append(turn.element);
    this.empty.hidden = true;
  }

  private setBusy(id: string | null): void {
    this.busyId = id;
    this.composer.setBusy(id !== null);
    this.empty.hidden = this.turns.size > 0;
  }

  private send(text: string, pin: ChatPin | undefined): boolean {
    if (this.busyId) return false;
    const id = `q${Date.now().toString(36)}${(++this.requestCounter).toString(36)}`;
    this.addTurn(new TurnView(id, text, post));
    this.setBusy(id);
    post({ type: 'send', id, text, ...(pin ? { pin } : {}) });
    if (pin?.scope === 'next') this.pin = null;
    this.stickToBottom = true;
    this.scrollIfStuck();
    this.persistSoon();
    return true;
  }

  private stop(): void {
    if (this.busyId) post({ type: 'stop', id: this.busyId });
  }

  private newConversation(): void {
    this.showHistory([], null);
    this.empty.hidden = false;
    post({ type: 'newConversation' });
    this.composer.focus();
    this.persistNow();
  }

  private addFile(atIndex: number | undefined): void {
    const requestId = `f${Date.now().toString(36)}${(++this.requestCounter).toString(36)}`;
    this.pendingAt = atIndex === undefined ? undefined : { requestId, index: atIndex };
    post({ type: 'addFileContext', id: requestId });
  }

  private onChips(chips: ContextChip[], replyTo: string | undefined): void {
    const before = new Set(this.chips.map((c) => c.id));
    this.chips = chips;
    this.composer.setChips(chips);
    if (replyTo && this.pendingAt?.requestId === replyTo) {
      // The `@` only asked for the picker: once a file became a chip it has done its job.
      if (chips.some((c) => !before.has(c.id))) this.composer.removeAtSign(this.pendingAt.index);
      this.pendingAt = undefined;
      this.composer.focus();
    }
    this.persistSoon();
  }

  private onLogClick(e: MouseEvent): void {
    const target = e.target instanceof Element ? e.target.closest<HTMLButtonElement>('button[data-action]') : null;
    const block = target?.closest('.code-block');
    const action = target?.dataset['action'];
    if (!target || !block || (action !== 'copyCode' && action !== 'insertCode' && action !== 'applyCode')) return;
    // The block's whole code, also the part a huge block does not show.
    const code = codeBlockText(block);
    if (code === '') return;
    if (code.length > MAX_CODE_CHARS) {
      target.textContent = 'Too large';
      setTimeout(() => (target.textContent = action === 'copyCode' ? 'Copy' : action === 'insertCode' ? 'Insert' : 'Apply'), 1500);
      return;
    }
    const turnId = target.closest<HTMLElement>('.turn')?.dataset['turnId'];
    post({ type: action, code, ...(turnId ? { turnId } : {}) });
    if (action === 'copyCode') {
      target.textContent = 'Copied';
      setTimeout(() => (target.textContent = 'Copy'), 1500);
    }
  }

  private scheduleFrame(): void {
    if (this.frame === 0) this.frame = requestAnimationFrame(() => this.renderFrame());
  }

  /** At most once per frame, and only the turns that changed (normally just the streaming one). */
  private renderFrame(): void {
    this.frame = 0;
    for (const turn of this.dirty) turn.flush();
    this.dirty.clear();
    this.scrollIfStuck();
  }

  private scrollIfStuck(): void {
    if (this.stickToBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  private persistSoon(): void {
    if (this.persistTimer === undefined) this.persistTimer = setTimeout(() => this.persistNow(), PERSIST_DELAY_MS);
  }

  private persistNow(): void {
    if (this.persistTimer !== undefined) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    const turns = [...this.turns.values()].slice(-SAVED_TURNS).map((t) => {
      const turn = t.toTurn();
      return turn.answerText.length > SAVED_ANSWER_CHARS ? { ...turn, answerText: turn.answerText.slice(0, SAVED_ANSWER_CHARS) } : turn;
    });
    vscode.setState({ version: 1, turns, busyId: this.busyId, models: this.models, chips: this.chips, pin: this.pin, draft: this.draft });
  }
}

const root = document.getElementById('root');
if (root) {
  // The page marks #root as an application; a chat log reads better with the browse-mode semantics below.
  root.removeAttribute('role');
  const app = new ChatApp(root);
  app.restore(vscode.getState());
  post({ type: 'ready' });
}
