// A tiny element builder: the panel's tables and labels are plain DOM, styled with theme variables.
type Child = Node | string | number | null | undefined | false;

export function el<Tag extends keyof HTMLElementTagNameMap>(
  tag: Tag,
  attributes: Record<string, string | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[Tag] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function table(headers: { text: string; title?: string }[], rows: Child[][], className = 'grid'): HTMLTableElement {
  return el(
    'table',
    { class: className },
    el('thead', {}, el('tr', {}, ...headers.map((header) => el('th', { title: header.title }, header.text)))),
    el('tbody', {}, ...rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', {}, cell))))),
  );
}

export function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / 1024 / 1024).toFixed(1)} MiB`;
}

export function threadLabel(threadId: number, name: string | null | undefined): string {
  return name ?? `thread ${threadId}`;
}
