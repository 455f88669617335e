// Tiny line icons drawn with the current text colour, so they follow every theme.
const PATHS = {
  file: 'M4 1.5h5.5L13 5v9.5H4z M9.5 1.5V5H13',
  activeFile: 'M4 1.5h5.5L13 5v9.5H4z M9.5 1.5V5H13 M6.5 9.5l1.5 1.5 2.5-3',
  selection: 'M2.5 4h11 M2.5 8h7 M2.5 12h9',
  close: 'M4.5 4.5l7 7 M11.5 4.5l-7 7',
  plus: 'M8 3v10 M3 8h10',
  chart: 'M2 14h12 M4.5 11.5V8 M8 11.5V3.5 M11.5 11.5V6.5',
  at: 'M10.5 8a2.5 2.5 0 1 1-5 0 2.5 2.5 0 0 1 5 0z M10.5 8v1.2a1.8 1.8 0 0 0 3.5 .3V8A6 6 0 1 0 11 13.2',
} as const;

export type IconName = keyof typeof PATHS;

export function icon(name: IconName): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '14');
  svg.setAttribute('height', '14');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', 'icon');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', PATHS[name]);
  svg.append(path);
  return svg;
}
