/** "20h", "2 s", "90m", "1d", "1.5 h" or an ISO 8601 duration → ISO 8601 duration and a label. */
export function parseSlaDuration(input: string): { iso: string; label: string } | null {
  const text = input.trim();
  if (/^P(?=\d|T\d)/i.test(text)) return { iso: text.toUpperCase(), label: text.toUpperCase() };
  const match = /^(\d+(?:[.,]\d+)?)\s*(s|sec|m|min|h|d)$/i.exec(text);
  if (!match) return null;
  const [, number = '', unitText = ''] = match;
  const amount = number.replace(',', '.');
  if (Number(amount) <= 0) return null;
  const unit = unitText.toLowerCase();
  const iso = unit === 'd' ? `P${amount}D` : `PT${amount}${unit.startsWith('h') ? 'H' : unit.startsWith('m') ? 'M' : 'S'}`;
  const label = `${amount} ${unit === 'd' ? 'd' : unit.startsWith('h') ? 'h' : unit.startsWith('m') ? 'min' : 's'}`;
  return { iso, label };
}
