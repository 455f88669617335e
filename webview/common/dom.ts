// Element builders for both webviews: attributes are set as attributes, text as text — never HTML strings.

export type Child = Node | string | null | undefined | false;
export type Attributes = Record<string, string | number | boolean | null | undefined>;

const SVG_NS = 'http://www.w3.org/2000/svg';

function setAttributes(element: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name === 'className' ? 'class' : name, value === true ? '' : String(value));
  }
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  for (const child of children) if (child) element.append(child);
  return element;
}

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  for (const child of children) if (child) element.append(child);
  return element;
}

/** A plain button (never a form submit); `content` is its text and/or an icon. */
export function button(content: Child | Child[], attributes: Attributes = {}): HTMLButtonElement {
  return h('button', { type: 'button', ...attributes }, ...(Array.isArray(content) ? content : [content]));
}

/** A labelled <select>; `choices` are [value, label] pairs. */
export function labelledSelect(
  id: string,
  label: string,
  choices: readonly (readonly [string, string])[],
  selected: string,
): { wrapper: HTMLElement; select: HTMLSelectElement } {
  const select = h('select', { id });
  fillSelect(select, choices, selected);
  const wrapper = h('div', { class: 'field' }, h('label', { for: id }, label), select);
  return { wrapper, select };
}

export function fillSelect(select: HTMLSelectElement, choices: readonly (readonly [string, string])[], selected: string): void {
  select.replaceChildren(...choices.map(([value, text]) => h('option', { value, selected: value === selected }, text)));
  select.value = selected;
}

export function clear(element: Element, ...children: Child[]): void {
  element.replaceChildren(...children.filter((c): c is Node | string => Boolean(c)));
}
