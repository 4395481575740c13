/** Small DOM helpers for the pages: elements with text, never HTML strings. */

/** The page's one element for `selector` (the page's own markup has it: a missing one is a bug in the page, named here rather than as a null later). */
export function $<T extends HTMLElement>(selector: string, root: ParentNode = document): T {
  const element = root.querySelector<T>(selector);
  if (!element) throw new Error(`The page has no ${selector}`);
  return element;
}

export { errorText } from './error-text.js';

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: { className?: string; text?: string; title?: string; data?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  if (options.text !== undefined) element.textContent = options.text;
  if (options.title) element.title = options.title;
  for (const [name, value] of Object.entries(options.data ?? {})) element.dataset[name] = value;
  element.append(...children);
  return element;
}

/** A table row of text cells. */
export function row(cells: (string | Node)[], options: { className?: string; data?: Record<string, string> } = {}): HTMLTableRowElement {
  return el('tr', options, ...cells.map((cell) => el('td', {}, cell)));
}

export function button(label: string, onClick: () => void, options: { className?: string; ariaLabel?: string; type?: 'button' | 'submit' } = {}): HTMLButtonElement {
  const node = el('button', { className: options.className ?? '', text: label });
  node.type = options.type ?? 'button';
  if (options.ariaLabel) node.setAttribute('aria-label', options.ariaLabel);
  node.addEventListener('click', onClick);
  return node;
}

/** A labelled control: `<label for=id>` + the control, in a wrapper. */
export function field(label: string, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, id: string): HTMLDivElement {
  control.id = id;
  const wrapper = el('div', { className: 'field' });
  const caption = el('label', { text: label });
  caption.htmlFor = id;
  wrapper.append(caption, control);
  return wrapper;
}
