// A small element builder: attributes are set as attributes or properties, never as HTML strings.

type Child = Node | string | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** A plain button (never a form submit); `content` is its text and/or an icon. */
export function button(content: Child | Child[], attributes: Attributes = {}): HTMLButtonElement {
  return h('button', { type: 'button', ...attributes }, ...(Array.isArray(content) ? content : [content]));
}
