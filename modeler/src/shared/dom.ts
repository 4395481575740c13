/** Small DOM helpers for the replay and audit pages: elements with text, never HTML strings. */
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
