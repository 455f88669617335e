// The FIM request for one completion: the plan's prompt mode, the template's stop tokens, the token caps.
import type { FimRequest } from '../providers/provider';
import type { CompletionContext } from './context';
import type { FimPlan } from './family';
import { buildFimPrompt, FIM_TEMPLATES, snippetCommentHeader } from './fimTemplates';
import type { CompletionSettings } from './completionSettings';
import type { CompletionShape } from './postprocess';

/** What to send for `context`, prompted as `plan` says; multi-line suggestions get the larger token cap. */
export function fimRequestFor(
  plan: FimPlan,
  settings: Pick<CompletionSettings, 'maxTokensMultiLine' | 'maxTokensSingleLine' | 'temperature' | 'repoName'>,
  context: CompletionContext,
  shape: CompletionShape,
): FimRequest {
  const template = plan.family ? FIM_TEMPLATES[plan.family] : undefined;
  const common = {
    model: plan.model,
    maxTokens: shape === 'multiLine' ? settings.maxTokensMultiLine : settings.maxTokensSingleLine,
    temperature: settings.temperature,
    ...(template ? { stop: [...template.stop] } : {}),
  };
  const parts = {
    prefix: context.prefix,
    suffix: context.suffix,
    filePath: context.filePath,
    languageId: context.languageId,
    snippets: context.snippets,
    repoName: settings.repoName,
  };
  if (plan.mode === 'raw' && plan.family) {
    return { ...common, prefix: context.prefix, suffix: context.suffix, rawPrompt: buildFimPrompt(plan.family, parts) };
  }
  const header = snippetCommentHeader(parts);
  if (plan.mode === 'native') return { ...common, prefix: header + context.prefix, suffix: context.suffix };
  return { ...common, prefix: context.prefix, suffix: '', rawPrompt: header + context.prefix };
}
