/** Small DOM builders for the inbox: text always goes in as text, never as HTML. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className = '', text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function button(label: string, onClick: () => void, options: { className?: string; ariaLabel?: string; type?: 'button' | 'submit' } = {}): HTMLButtonElement {
  const node = el('button', options.className ?? '', label);
  node.type = options.type ?? 'button';
  if (options.ariaLabel) node.setAttribute('aria-label', options.ariaLabel);
  node.addEventListener('click', onClick);
  return node;
}

/** A labelled control: `<label for=id>` + the control, in a wrapper. */
export function field(label: string, control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, id: string): HTMLDivElement {
  control.id = id;
  const wrapper = el('div', 'field');
  const caption = el('label', '', label);
  caption.htmlFor = id;
  wrapper.append(caption, control);
  return wrapper;
}
