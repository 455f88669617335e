// The owner of disposables: a class extends Disposable and `_register`s every listener and
// registration it makes, so each has exactly one place that ends it. No vscode import at run time
// (types only), so it can be unit-tested outside VS Code.
import type * as vscode from 'vscode';

export abstract class Disposable implements vscode.Disposable {
  private readonly _disposables: vscode.Disposable[] = [];
  private _isDisposed = false;

  protected get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Keeps `x` until this is disposed; disposes it at once when this already is (a late registration must not leak). */
  protected _register<T extends vscode.Disposable>(x: T): T {
    if (this._isDisposed) x.dispose();
    else this._disposables.push(x);
    return x;
  }

  /** Disposes everything registered, in registration order; subclasses that override it call `super.dispose()`. */
  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    for (const x of this._disposables.splice(0)) {
      try {
        x.dispose();
      } catch {
        // Disposal must go on for the rest even if one throws.
      }
    }
  }
}
