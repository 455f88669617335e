// The question box: context chips, the text area, the model pin, Send / Stop.
import type { Tier } from '../../src/core/types';
import type { ChatModelOption, ChatPin, ContextChip, PinScope } from '../../src/shared/protocol';
import { MAX_CHAT_TEXT_CHARS } from '../../src/shared/protocol';
import { button, h } from '../common/dom';
import { icon } from './icons';
import type { IconName } from './icons';

export interface ComposerEvents {
  /** Returns false when the text was not sent (e.g. an answer is still streaming). */
  send(text: string, pin: ChatPin | undefined): boolean;
  stop(): void;
  /** `atIndex`: where the user typed the `@` that asked for the picker. */
  addFile(atIndex: number | undefined): void;
  toggleChip(chipId: string, enabled: boolean): void;
  removeChip(chipId: string): void;
  pinChanged(pin: ChatPin | null, scope: PinScope): void;
  draftChanged(text: string): void;
}

const TIER_GROUPS: ReadonlyArray<[Tier, string]> = [
  ['local', 'Local'],
  ['mid', 'Mid-tier'],
  ['frontier', 'Frontier'],
];
const CHIP_ICONS: Readonly<Record<ContextChip['kind'], IconName>> = { selection: 'selection', file: 'file', activeFile: 'activeFile' };

export class Composer {
  readonly element: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly chipList: HTMLElement;
  private readonly pinSelect: HTMLSelectElement;
  private readonly scopeSelect: HTMLSelectElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly problem: HTMLElement;
  private models: ChatModelOption[] = [];
  private busy = false;

  constructor(private readonly events: ComposerEvents) {
    this.chipList = h('ul', { class: 'chip-list' });
    const addFile = button([icon('at'), 'file'], {
      class: 'add-file',
      title: 'Add a file as context (or type @)',
      'aria-label': 'Add file context',
    });
    addFile.addEventListener('click', () => this.events.addFile(undefined));

    this.textarea = h('textarea', {
      class: 'question-input',
      rows: 2,
      'aria-label': 'Ask Switchboard',
      placeholder: 'Ask about your code — Enter to send, Shift+Enter for a new line, @ to add a file',
    });
    this.textarea.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.textarea.addEventListener('input', (e) => this.onInput(e as InputEvent));

    this.pinSelect = h('select', { class: 'pin-model', 'aria-label': 'Model', title: 'Which model answers' });
    this.scopeSelect = h(
      'select',
      { class: 'pin-scope', 'aria-label': 'Pin applies to', title: 'How long the chosen model stays pinned' },
      h('option', { value: 'next' }, 'for next message'),
      h('option', { value: 'conversation' }, 'for this conversation'),
    );
    this.pinSelect.addEventListener('change', () => this.onPinChange());
    this.scopeSelect.addEventListener('change', () => this.onPinChange());

    this.sendButton = button('Send', { class: 'send primary', title: 'Send (Enter)', 'aria-label': 'Send question' });
    this.stopButton = button('Stop', { class: 'stop', title: 'Stop the answer (Escape)', 'aria-label': 'Stop answer', hidden: true });
    this.sendButton.addEventListener('click', () => this.submit());
    this.stopButton.addEventListener('click', () => this.events.stop());

    this.problem = h('div', { class: 'composer-problem', role: 'alert' });
    this.problem.hidden = true;

    this.element = h(
      'form',
      { class: 'composer', 'aria-label': 'Ask a question' },
      h('div', { class: 'chips', role: 'group', 'aria-label': 'Context' }, this.chipList, addFile),
      this.textarea,
      this.problem,
      h(
        'div',
        { class: 'composer-bar' },
        this.pinSelect,
        this.scopeSelect,
        h('span', { class: 'spacer' }),
        this.sendButton,
        this.stopButton,
      ),
    );
    this.element.addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    this.setModels([]);
  }

  setBusy(busy: boolean): void {
    const hadFocus = document.activeElement === (this.busy ? this.stopButton : this.sendButton);
    this.busy = busy;
    this.sendButton.hidden = busy;
    this.stopButton.hidden = !busy;
    if (hadFocus) (busy ? this.stopButton : this.sendButton).focus();
  }

  setDraft(text: string): void {
    this.textarea.value = text;
  }

  focus(): void {
    this.textarea.focus();
  }

  setChips(chips: ContextChip[]): void {
    this.chipList.replaceChildren(
      ...chips.map((chip) => {
        const toggle = button([icon(CHIP_ICONS[chip.kind]), h('span', { class: 'chip-label' }, chip.label)], {
          class: 'chip-toggle',
          'aria-pressed': String(chip.enabled),
          title: `${chip.detail ?? chip.label} — ${chip.enabled ? 'included; click to leave out' : 'left out; click to include'}`,
        });
        toggle.addEventListener('click', () => this.events.toggleChip(chip.id, !chip.enabled));
        const remove = button(icon('close'), { class: 'chip-remove', 'aria-label': `Remove context ${chip.label}`, title: 'Remove' });
        remove.addEventListener('click', () => this.events.removeChip(chip.id));
        return h('li', { class: `chip chip-${chip.kind}${chip.enabled ? '' : ' chip-disabled'}`, 'data-chip-id': chip.id }, toggle, remove);
      }),
    );
  }

  setModels(models: ChatModelOption[]): void {
    const selected = this.pinSelect.value;
    this.models = models;
    const groups = TIER_GROUPS.map(([tier, label]) => {
      const options = models
        .filter((m) => m.tier === tier)
        .map((m) => h('option', { value: m.id, title: `${m.label} (${m.provider})` }, m.label));
      return options.length > 0 ? h('optgroup', { label }, ...options) : null;
    });
    this.pinSelect.replaceChildren(h('option', { value: '' }, 'Auto (router)'), ...groups.filter((g) => g !== null));
    this.pinSelect.value = models.some((m) => m.id === selected) ? selected : '';
    this.syncScope();
  }

  setPin(pin: ChatPin | null): void {
    const known = pin && this.models.some((m) => m.id === pin.modelId);
    this.pinSelect.value = known ? pin.modelId : '';
    if (known) this.scopeSelect.value = pin.scope;
    this.syncScope();
  }

  currentPin(): ChatPin | undefined {
    const modelId = this.pinSelect.value;
    return modelId ? { modelId, scope: this.scopeSelect.value as PinScope } : undefined;
  }

  /** Removes the `@` at `index` that opened the file picker, once the file became a chip. */
  removeAtSign(index: number): void {
    const value = this.textarea.value;
    if (value[index] !== '@') return;
    this.textarea.value = value.slice(0, index) + value.slice(index + 1);
    this.textarea.setSelectionRange(index, index);
    this.events.draftChanged(this.textarea.value);
  }

  private syncScope(): void {
    this.scopeSelect.disabled = this.pinSelect.value === '';
  }

  private onPinChange(): void {
    this.syncScope();
    const pin = this.currentPin();
    this.events.pinChanged(pin ?? null, this.scopeSelect.value as PinScope);
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.submit();
    }
  }

  private onInput(e: InputEvent): void {
    this.showProblem(undefined);
    if (e.inputType === 'insertText' && e.data === '@') {
      const at = (this.textarea.selectionStart ?? 0) - 1;
      const before = at > 0 ? this.textarea.value[at - 1] : undefined;
      if (before === undefined || /\s/.test(before)) this.events.addFile(at);
    }
    this.events.draftChanged(this.textarea.value);
  }

  private submit(): void {
    const text = this.textarea.value;
    if (text.trim() === '') return;
    if (this.busy) {
      this.showProblem('Wait for the answer to finish, or stop it (Escape).');
      return;
    }
    if (text.length > MAX_CHAT_TEXT_CHARS) {
      this.showProblem(
        `Your question is ${text.length.toLocaleString('en-US')} characters; the limit is ${MAX_CHAT_TEXT_CHARS.toLocaleString('en-US')}. Add large files as context (@ file) instead.`,
      );
      return;
    }
    const pin = this.currentPin();
    if (!this.events.send(text, pin)) return;
    this.textarea.value = '';
    this.events.draftChanged('');
    if (pin?.scope === 'next') {
      this.pinSelect.value = '';
      this.syncScope();
    }
  }

  private showProblem(text: string | undefined): void {
    this.problem.hidden = text === undefined;
    this.problem.textContent = text ?? '';
  }
}
