// The extension-host side of the chat panel: the conversation (kept per workspace), the pin, the
// context chips and the streaming answers. The webview channel validates every message and holds posts
// until the webview says `ready`; state changes go only to a ready view (the reply to `ready` carries them).
import * as vscode from 'vscode';
import type { Logger } from '../../core/ports';
import type { BudgetSignal } from '../../core/cost/budgets';
import type { Decision } from '../../core/router/route';
import type { TaskRunner } from '../../core/taskRunner';
import type { SettingsSnapshot } from '../../core/settings/schema';
import type { AnswerMeta, ChatHostMessage, ChatPin, ChatTurn, ChatWebviewMessage } from '../../shared/protocol';
import { checkChatWebviewMessage } from '../../shared/protocol';
import type { SettingsSource } from '../settingsSource';
import { buildAnswerMeta, describeFailure, fallbackOf, modelOption, pinnableModels } from '../../panels/chat/answerMeta';
import { buildChatPrompt } from '../../core/chat/chatPrompt';
import { HISTORY_STATE_KEY, boundHistory, readStoredHistory, toStoredHistory } from '../../panels/chat/chatHistory';
import { DeltaBatcher } from '../../panels/chat/deltaBatcher';
import type { EditorContext } from './editorContext';
import { promptBudgetTokens } from '../../core/prompt/promptBudget';
import { Disposable } from '../lifecycle';
import type { ChannelWebview } from '../webviewChannel';
import { WebviewChannel } from '../webviewChannel';

/** Editor context (selection, files) a question may carry, in estimated tokens. */
export const CHAT_CONTEXT_CAP_TOKENS = 24_000;
/** Earlier turns a question carries, in estimated tokens. */
export const CHAT_HISTORY_CAP_TOKENS = 8_000;
const PERSIST_DELAY_MS = 300;

/** The part of a webview the host uses (a real vscode.Webview, or a fake in tests). */
export type ChatWebview = ChannelWebview<ChatHostMessage>;

export interface ChatHostDeps {
  runner: Pick<TaskRunner, 'run'>;
  settings: Pick<SettingsSource, 'snapshot' | 'workspaceKey'> & { onDidChange: vscode.Event<void> };
  logger: Logger;
  /** Workspace state: where the conversation is kept. */
  state: vscode.Memento;
  editor: EditorContext;
  showBudgetSignals(signals: BudgetSignal[]): void;
  /** Lets the user pick files for @-context; [] when cancelled. */
  pickFiles(): Promise<vscode.Uri[]>;
}

/** A finished turn another feature adds to the conversation (e.g. a refactor answer that could not be applied). */
export interface AppendedTurn {
  userText: string;
  answerText: string;
  meta?: AnswerMeta;
}

interface ActiveAnswer {
  turn: ChatTurn;
  controller: AbortController;
  batcher: DeltaBatcher;
}

let turnCounter = 0;
function newTurnId(prefix: string): string {
  turnCounter = (turnCounter + 1) % 0x100000;
  return `${prefix}${Date.now().toString(36)}${turnCounter.toString(36)}`;
}

export class ChatHost extends Disposable {
  private turns: ChatTurn[];
  private pin: ChatPin | null = null;
  private active: ActiveAnswer | undefined;
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly channel: WebviewChannel<ChatHostMessage, ChatWebviewMessage>;

  constructor(private readonly deps: ChatHostDeps) {
    super();
    this.turns = readStoredHistory(deps.state.get(HISTORY_STATE_KEY));
    this.channel = this._register(
      new WebviewChannel<ChatHostMessage, ChatWebviewMessage>({
        logPrefix: 'chat',
        source: 'the chat view',
        logger: deps.logger,
        check: checkChatWebviewMessage,
        replyToReady: () => this.replyToReady(),
        onMessage: (message) => this.receive(message),
      }),
    );
    this._register(deps.editor.onDidChange(() => this.post({ type: 'chips', chips: deps.editor.chips() })));
    this._register(deps.settings.onDidChange(() => this.onSettingsChanged()));
  }

  /** Takes over a (new) webview with a fresh `ready` handshake; the previous one, if any, is let go. */
  attach(webview: ChatWebview): vscode.Disposable {
    return this.channel.attach(webview);
  }

  get isReady(): boolean {
    return this.channel.isReady;
  }

  /** The conversation as the host holds it (for tests and the API). */
  get history(): readonly ChatTurn[] {
    return this.turns;
  }

  get busyId(): string | undefined {
    return this.active?.turn.id;
  }

  appendTurn(turn: AppendedTurn): string {
    const id = newTurnId('x');
    this.turns.push({ id, userText: turn.userText, answerText: turn.answerText, ...(turn.meta ? { meta: turn.meta } : {}) });
    this.turns = this.trimmed();
    this.persistSoon();
    this.postHistory();
    return id;
  }

  /** Puts the cursor in the question box, at once or right after the view's `init`. */
  focusInput(): void {
    this.channel.post({ type: 'focusInput' });
  }

  /** A change to what `init` carries: only a ready view has something to change (a new one gets it in its `init`). */
  private post(message: ChatHostMessage): void {
    if (this.channel.isReady) this.channel.post(message);
  }

  private postHistory(): void {
    // The history carries all text so far: what the batcher still holds would arrive twice.
    this.active?.batcher.discard();
    this.post({ type: 'history', history: this.turns, busy: this.active ? { id: this.active.turn.id } : null });
  }

  private snapshot(): SettingsSnapshot {
    return this.deps.settings.snapshot(this.deps.editor.resource);
  }

  /** Everything the view shows, as the reply to its `ready` (a reload's too). */
  private replyToReady(): ChatHostMessage[] {
    // The history carries the answer so far: what the batcher still holds would arrive twice.
    this.active?.batcher.discard();
    const snapshot = this.snapshot();
    if (this.pin && !pinnableModels(snapshot).some((m) => m.id === this.pin?.modelId)) this.pin = null;
    return [
      {
        type: 'init',
        history: this.turns,
        models: pinnableModels(snapshot),
        chips: this.deps.editor.chips(),
        pin: this.pin,
        busy: this.active ? { id: this.active.turn.id } : null,
      },
    ];
  }

  private receive(message: ChatWebviewMessage): void {
    this.handle(message).catch((e: unknown) =>
      this.deps.logger.error(`chat: handling "${message.type}" failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
    );
  }

  private async handle(message: ChatWebviewMessage): Promise<void> {
    const { editor } = this.deps;
    switch (message.type) {
      case 'ready':
        return;
      case 'send':
        return this.send(message.id, message.text, message.pin);
      case 'stop':
        if (this.active?.turn.id === message.id) this.active.controller.abort();
        return;
      case 'copyCode':
        await vscode.env.clipboard.writeText(message.code);
        return;
      case 'insertCode':
      case 'applyCode':
        return this.putCode(message.code, message.type === 'applyCode');
      case 'addFileContext': {
        try {
          editor.addFiles(await this.deps.pickFiles());
        } finally {
          this.post({ type: 'chips', chips: editor.chips(), replyTo: message.id });
        }
        return;
      }
      case 'removeContext':
        if (editor.has(message.chipId)) editor.remove(message.chipId);
        this.post({ type: 'chips', chips: editor.chips() });
        return;
      case 'toggleContext':
        if (editor.has(message.chipId)) editor.toggle(message.chipId, message.enabled);
        this.post({ type: 'chips', chips: editor.chips() });
        return;
      case 'newConversation':
        this.active?.controller.abort();
        this.active = undefined;
        this.turns = [];
        this.pin = null;
        this.persistSoon();
        this.post({ type: 'history', history: [], busy: null });
        this.post({ type: 'pin', pin: null });
        return;
      case 'setPin': {
        if (message.modelId === null) this.pin = null;
        else if (pinnableModels(this.snapshot()).some((m) => m.id === message.modelId))
          this.pin = { modelId: message.modelId, scope: message.scope };
        this.post({ type: 'pin', pin: this.pin });
        return;
      }
      case 'openRouterPanel':
        await vscode.commands.executeCommand('switchboard.openRouterPanel');
        return;
      case 'runCommand':
        await vscode.commands.executeCommand(message.command, ...(message.args ?? []));
        return;
    }
  }

  private async send(id: string, text: string, pin: ChatPin | undefined): Promise<void> {
    if (this.turns.some((t) => t.id === id)) {
      this.deps.logger.warn(`chat: ignored a repeated question id ${id}`);
      return;
    }
    const turn: ChatTurn = { id, userText: text, answerText: '' };
    const earlier = this.turns.filter((t) => t !== this.active?.turn);
    this.turns.push(turn);
    this.turns = this.trimmed();
    this.post({ type: 'turnStart', id, userText: text });
    if (this.active) {
      this.fail(turn, 'An answer is still coming: stop it (Escape) before asking again.');
      return;
    }
    const snapshot = this.snapshot();
    const models = pinnableModels(snapshot);
    if (pin) {
      if (!models.some((m) => m.id === pin.modelId)) {
        this.fail(turn, `The pinned model "${pin.modelId}" is no longer in switchboard.models — pick another model, or Auto.`, [
          { label: 'Open Settings', command: 'workbench.action.openSettings', args: ['switchboard.models'] },
        ]);
        return;
      }
      this.pin = pin.scope === 'conversation' ? pin : null;
      this.post({ type: 'pin', pin: this.pin });
    }

    const controller = new AbortController();
    const batcher = new DeltaBatcher((delta) => this.post({ type: 'answerDelta', id, text: delta }));
    const active: ActiveAnswer = { turn, controller, batcher };
    this.active = active;
    try {
      await this.answer(active, earlier, snapshot, pin?.modelId);
    } catch (e) {
      batcher.flush();
      this.settle(active);
      this.deps.logger.error(`chat: answering failed unexpectedly: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      this.fail(turn, `Switchboard failed unexpectedly (${e instanceof Error ? e.message : String(e)}). The log has the details.`);
    } finally {
      this.settle(active);
      this.persistSoon();
    }
  }

  private async answer(
    active: ActiveAnswer,
    earlier: readonly ChatTurn[],
    settings: SettingsSnapshot,
    pinnedModelId: string | undefined,
  ): Promise<void> {
    const { turn, controller, batcher } = active;
    const { editor, logger } = this.deps;
    const read = await editor.read();
    const prompt = buildChatPrompt({
      history: earlier,
      question: turn.userText,
      context: read.sources,
      contextBudgetTokens: promptBudgetTokens(settings, 'chat', CHAT_CONTEXT_CAP_TOKENS),
      historyBudgetTokens: CHAT_HISTORY_CAP_TOKENS,
    });
    for (const note of [...read.notes, ...prompt.notes]) logger.info(`chat: ${note}`);
    const resource = editor.resource;
    const language = editor.textEditor?.document.languageId;
    let decision: Decision | undefined;
    for await (const event of this.deps.runner.run(
      {
        task: 'chat',
        call: { kind: 'chat', messages: prompt.messages },
        promptTokens: prompt.promptTokens,
        question: turn.userText,
        fileCount: prompt.fileCount,
        workspace: this.deps.settings.workspaceKey(resource),
        ...(language !== undefined && { language }),
        ...(pinnedModelId !== undefined && { pinnedModelId }),
      },
      settings,
      controller.signal,
    )) {
      switch (event.type) {
        case 'decision':
          decision = event.decision;
          logger.info(`chat: ${decision.explanation}`);
          if (decision.chosen) {
            turn.model = modelOption(decision.chosen);
            this.post({ type: 'answerStart', id: turn.id, model: turn.model });
          }
          break;
        case 'hop': {
          logger.info(`chat: ${event.hop.text} (${event.hop.message})`);
          const fallback = fallbackOf(event.hop);
          const next = settings.models.find((m) => m.id === event.hop.to);
          if (fallback && next) {
            turn.model = modelOption(next);
            this.post({ type: 'answerStart', id: turn.id, model: turn.model, fallback });
          }
          break;
        }
        case 'text':
          turn.answerText += event.text;
          batcher.push(event.text);
          break;
        case 'done': {
          batcher.flush();
          this.settle(active);
          turn.meta = buildAnswerMeta({
            decision: decision!,
            record: event.record,
            model: event.result.model,
            pinned: pinnedModelId !== undefined,
            hops: event.result.hops,
          });
          turn.model = modelOption(event.result.model);
          this.post({ type: 'answerEnd', id: turn.id, meta: turn.meta });
          this.deps.showBudgetSignals(event.budgetSignals);
          break;
        }
        case 'failed': {
          batcher.flush();
          this.settle(active);
          const model = event.record.answeredBy ?? event.record.chosen;
          if (controller.signal.aborted && model) {
            // The user stopped it; whatever failed afterwards is not news to them.
            turn.meta = {
              ...buildAnswerMeta({ decision: decision!, record: event.record, model, pinned: pinnedModelId !== undefined }),
              stopped: true,
            };
            this.post({ type: 'answerEnd', id: turn.id, meta: turn.meta });
          } else {
            const view = describeFailure(event.error, decision!, event.needsKeyFor, event.keyWithheldFor);
            logger.warn(`chat: ${view.message}`);
            this.fail(turn, view.message, view.actions);
          }
          this.deps.showBudgetSignals(event.budgetSignals);
          break;
        }
      }
    }
  }

  /** The answer is over: the next question may be asked the moment the webview hears so. */
  private settle(active: ActiveAnswer): void {
    if (this.active === active) this.active = undefined;
  }

  private fail(turn: ChatTurn, message: string, actions?: NonNullable<ChatTurn['error']>['actions']): void {
    turn.error = { message, ...(actions ? { actions } : {}) };
    this.post({ type: 'answerError', id: turn.id, message, ...(actions ? { actions } : {}) });
  }

  /** Inserts at the cursor, or replaces the selection, as one undoable edit. */
  private async putCode(code: string, replaceSelection: boolean): Promise<void> {
    const target = this.deps.editor.textEditor;
    if (!target) {
      void vscode.window.showInformationMessage('Switchboard: open a file and put the cursor where the code should go, then try again.');
      return;
    }
    const edit = new vscode.WorkspaceEdit();
    if (replaceSelection) edit.replace(target.document.uri, target.selection, code);
    else edit.insert(target.document.uri, target.selection.active, code);
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) {
      void vscode.window.showWarningMessage(`Switchboard: could not change ${target.document.fileName} (is it read-only?).`);
      return;
    }
    await vscode.window.showTextDocument(target.document, { viewColumn: target.viewColumn, preserveFocus: false });
  }

  private onSettingsChanged(): void {
    const models = pinnableModels(this.snapshot());
    this.post({ type: 'models', models });
    if (this.pin && !models.some((m) => m.id === this.pin?.modelId)) {
      this.pin = null;
      this.post({ type: 'pin', pin: null });
    }
  }

  private trimmed(): ChatTurn[] {
    // Keep the very object of the answer in flight: its text grows in place.
    const active = this.active?.turn;
    return boundHistory(this.turns).map((t) => (active && t.id === active.id ? active : t));
  }

  private persistSoon(): void {
    if (this.persistTimer !== undefined) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = undefined;
      this.persistNow();
    }, PERSIST_DELAY_MS);
  }

  persistNow(): Thenable<void> {
    if (this.persistTimer !== undefined) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    return this.deps.state.update(HISTORY_STATE_KEY, toStoredHistory(this.turns));
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.active?.controller.abort();
    if (this.persistTimer !== undefined) void this.persistNow();
    super.dispose();
  }
}
