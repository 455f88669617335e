// Code is rendered as blocks of lines, so a growing code block re-lays out only its last block.
// highlight.js output may hold spans across lines (comments, strings): each line closes and reopens them.

export const CODE_CHUNK_LINES = 50;

const TAG_OR_NEWLINE = /<span class="[^"]*">|<\/span>|\n/g;

/** Splits highlight.js HTML into one self-contained HTML string per line (no newlines). */
export function splitHighlightedLines(html: string): string[] {
  const lines: string[] = [];
  const open: string[] = [];
  let line = '';
  let from = 0;
  for (const match of html.matchAll(TAG_OR_NEWLINE)) {
    const token = match[0];
    line += html.slice(from, match.index);
    from = match.index + token.length;
    if (token === '\n') {
      lines.push(line + '</span>'.repeat(open.length));
      line = open.join('');
    } else if (token === '</span>') {
      open.pop();
      line += token;
    } else {
      open.push(token);
      line += token;
    }
  }
  lines.push(line + html.slice(from));
  return lines;
}

/** The inner HTML of each block: CODE_CHUNK_LINES lines, each but the very last followed by a newline. */
export function codeChunkHtml(html: string): string[] {
  const lines = splitHighlightedLines(html);
  const chunks: string[] = [];
  for (let start = 0; start < lines.length; start += CODE_CHUNK_LINES) {
    const end = Math.min(start + CODE_CHUNK_LINES, lines.length);
    chunks.push(lines.slice(start, end).join('\n') + (end < lines.length ? '\n' : ''));
  }
  return chunks;
}

export function chunkedCodeHtml(html: string): string {
  return codeChunkHtml(html)
    .map((chunk) => `<span class="code-chunk">${chunk}</span>`)
    .join('');
}
