// The chat's context chips: the current selection, the active file and files the user added with @.
// Tracks the editor, remembers the user's toggles, and reads the enabled chips' text when a question is sent.
import * as vscode from 'vscode';
import type { ContextChip } from '../../shared/protocol';
import type { ChatContextSource } from '../../core/chat/chatPrompt';
import { baseName, displayPath, isCodeDocument, readTextFile } from '../workspace';
import { Disposable } from '../lifecycle';

/** Most files the user may add with @. */
export const MAX_FILE_CHIPS = 20;
const SELECTION_SETTLE_MS = 120;

interface FileChip {
  id: string;
  uri: vscode.Uri;
  enabled: boolean;
}

export interface ReadContext {
  sources: ChatContextSource[];
  /** Chips that could not be read, one line each. */
  notes: string[];
}

export class EditorContext extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this._onDidChange.event;
  private editor: vscode.TextEditor | undefined;
  private selectionEnabled = true;
  private activeFileEnabled = true;
  /** Set when the user removed the chip; it comes back when the selection or active file changes. */
  private hiddenSelection: string | undefined;
  private hiddenActiveFile: string | undefined;
  private readonly files: FileChip[] = [];
  private fileCounter = 0;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.track(vscode.window.activeTextEditor);
    this._register(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        // Focus moving to a panel or webview leaves no active editor: keep the last one while it is visible.
        if (editor === undefined && this.editor && vscode.window.visibleTextEditors.includes(this.editor)) return;
        this.track(editor);
        this.fire();
      }),
    );
    this._register(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor !== this.editor) return;
        if (this.settleTimer !== undefined) clearTimeout(this.settleTimer);
        this.settleTimer = setTimeout(() => {
          this.settleTimer = undefined;
          this.fire();
        }, SELECTION_SETTLE_MS);
      }),
    );
    this._register(
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (this.editor?.document === document) {
          this.editor = undefined;
          this.fire();
        }
      }),
    );
  }

  private track(editor: vscode.TextEditor | undefined): void {
    this.editor = editor && isCodeDocument(editor.document) ? editor : undefined;
  }

  private fire(): void {
    this._onDidChange.fire();
  }

  /** The editor the chat acts on (insert, apply), also while the chat view has focus. */
  get textEditor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    return active && isCodeDocument(active.document) ? active : this.editor;
  }

  /** The document a question is about, for per-folder settings and the workspace key. */
  get resource(): vscode.Uri | undefined {
    return this.editor?.document.uri;
  }

  private selectionKey(): string | undefined {
    const editor = this.editor;
    if (!editor || editor.selection.isEmpty) return undefined;
    const s = editor.selection;
    return `${editor.document.uri.toString()}#${s.start.line}:${s.start.character}-${s.end.line}:${s.end.character}`;
  }

  chips(): ContextChip[] {
    const chips: ContextChip[] = [];
    const editor = this.editor;
    const selectionKey = this.selectionKey();
    if (editor && selectionKey !== undefined && selectionKey !== this.hiddenSelection) {
      const s = editor.selection;
      const endLine = s.end.character === 0 && s.end.line > s.start.line ? s.end.line : s.end.line + 1;
      const path = displayPath(editor.document.uri);
      chips.push({
        id: 'selection',
        kind: 'selection',
        label: `${baseName(editor.document.uri)}:${s.start.line + 1}-${endLine}`,
        detail: `Selected lines ${s.start.line + 1}–${endLine} of ${path}`,
        enabled: this.selectionEnabled,
      });
    }
    if (editor && editor.document.uri.toString() !== this.hiddenActiveFile) {
      chips.push({
        id: 'activeFile',
        kind: 'activeFile',
        label: baseName(editor.document.uri),
        detail: `${displayPath(editor.document.uri)} (the active file)`,
        enabled: this.activeFileEnabled,
      });
    }
    for (const f of this.files)
      chips.push({ id: f.id, kind: 'file', label: baseName(f.uri), detail: displayPath(f.uri), enabled: f.enabled });
    return chips;
  }

  has(chipId: string): boolean {
    return this.chips().some((c) => c.id === chipId);
  }

  toggle(chipId: string, enabled: boolean): boolean {
    if (chipId === 'selection') this.selectionEnabled = enabled;
    else if (chipId === 'activeFile') this.activeFileEnabled = enabled;
    else {
      const file = this.files.find((f) => f.id === chipId);
      if (!file) return false;
      file.enabled = enabled;
    }
    return true;
  }

  remove(chipId: string): boolean {
    if (chipId === 'selection') this.hiddenSelection = this.selectionKey();
    else if (chipId === 'activeFile') this.hiddenActiveFile = this.editor?.document.uri.toString();
    else {
      const index = this.files.findIndex((f) => f.id === chipId);
      if (index < 0) return false;
      this.files.splice(index, 1);
    }
    return true;
  }

  /** Adds files as enabled chips; a file already there is enabled again rather than added twice. */
  addFiles(uris: readonly vscode.Uri[]): void {
    for (const uri of uris) {
      const existing = this.files.find((f) => f.uri.toString() === uri.toString());
      if (existing) {
        existing.enabled = true;
        continue;
      }
      if (this.files.length >= MAX_FILE_CHIPS) break;
      this.files.push({ id: `file-${(++this.fileCounter).toString(36)}`, uri, enabled: true });
    }
  }

  /** The enabled chips' text, selection first, then added files, then the active file. */
  async read(): Promise<ReadContext> {
    const sources: ChatContextSource[] = [];
    const notes: string[] = [];
    const chips = new Map(this.chips().map((c) => [c.id, c]));
    const editor = this.editor;
    if (editor && chips.get('selection')?.enabled) {
      const s = editor.selection;
      const endLine = s.end.character === 0 && s.end.line > s.start.line ? s.end.line : s.end.line + 1;
      sources.push({
        kind: 'selection',
        path: displayPath(editor.document.uri),
        languageId: editor.document.languageId,
        text: editor.document.getText(s),
        startLine: s.start.line + 1,
        endLine,
      });
    }
    for (const f of this.files) {
      if (!f.enabled) continue;
      const read = await readTextFile(f.uri);
      if ('problem' in read) notes.push(`${displayPath(f.uri)}: ${read.problem}`);
      else sources.push({ kind: 'file', path: displayPath(f.uri), languageId: read.languageId, text: read.text });
    }
    if (editor && chips.get('activeFile')?.enabled) {
      sources.push({
        kind: 'activeFile',
        path: displayPath(editor.document.uri),
        languageId: editor.document.languageId,
        text: editor.document.getText(),
      });
    }
    return { sources, notes };
  }

  override dispose(): void {
    if (this.settleTimer !== undefined) clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    super.dispose();
  }
}
