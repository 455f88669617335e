// One status bar item: today's spend and the completion model, a spinner while a completion runs.
import * as vscode from 'vscode';
import { formatUsd } from '../core/format';
import { Disposable } from './lifecycle';

export class SwitchboardStatus extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private spendUsd = 0;
  private completionModel: string | undefined;
  private busy = 0;
  private completionState: 'on' | 'off' | 'unavailable' = 'on';
  private detail: string | undefined;

  constructor() {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('switchboard.status', vscode.StatusBarAlignment.Right, 100));
    this.item.name = 'Switchboard';
    this.item.command = 'switchboard.openRouterPanel';
    this.render();
    this.item.show();
  }

  setSpend(usd: number): void {
    this.spendUsd = usd;
    this.render();
  }

  setCompletion(model: string | undefined, state: 'on' | 'off' | 'unavailable', detail?: string): void {
    this.completionModel = model;
    this.completionState = state;
    this.detail = detail;
    this.render();
  }

  /** Reference-counted: overlapping completions keep the spinner until the last one ends. */
  beginWork(): vscode.Disposable {
    this.busy++;
    this.render();
    let done = false;
    return new vscode.Disposable(() => {
      if (done) return;
      done = true;
      this.busy--;
      this.render();
    });
  }

  private render(): void {
    const icon =
      this.busy > 0
        ? '$(loading~spin)'
        : this.completionState === 'unavailable'
          ? '$(warning)'
          : this.completionState === 'off'
            ? '$(circle-slash)'
            : '$(arrow-swap)';
    const model = this.completionModel ? ` ${this.completionModel}` : '';
    this.item.text = `${icon}${model} · ${formatUsd(this.spendUsd)}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Switchboard**\n\n`);
    md.appendMarkdown(`Spend today: **${formatUsd(this.spendUsd)}**\n\n`);
    md.appendMarkdown(`Inline completions: ${this.completionState}${this.completionModel ? ` (\`${this.completionModel}\`)` : ''}\n\n`);
    if (this.detail) md.appendMarkdown(`${this.detail}\n\n`);
    md.appendMarkdown('Click to open the router panel.');
    this.item.tooltip = md;
    this.item.accessibilityInformation = {
      label: `Switchboard: spend today ${formatUsd(this.spendUsd)}; completions ${this.completionState}${model}`,
    };
  }
}
