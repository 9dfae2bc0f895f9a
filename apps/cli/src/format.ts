// How the `smsgate` command prints: aligned tables and short facts for people, the API's JSON for scripts.

const ESC = String.fromCharCode(27);

export interface Style {
  colour: boolean;
}

const paint = (style: Style, code: number, text: string) =>
  style.colour ? `${ESC}[${code}m${text}${ESC}[0m` : text;

/** A status word coloured by what it means (green delivered, red failed…), when colour is on. */
export function statusWord(style: Style, status: string): string {
  if (['delivered', 'received', 'bound'].includes(status)) return paint(style, 32, status);
  if (['failed', 'rejected', 'errored', 'no_route', 'expired', 'bind_failed'].includes(status))
    return paint(style, 31, status);
  if (['unknown', 'connecting', 'waiting'].includes(status)) return paint(style, 33, status);
  return status;
}

// Colour codes do not take room on screen: widths are measured without them.
const visible = (text: string) => text.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');

/**
 * Columns padded to their widest cell; a cell is cut at `max` characters with an ellipsis, except in the
 * last column (ids go there, whole, for copying).
 */
export function table(headings: string[], rows: string[][], max = 40): string {
  const cut = (text: string, last: boolean) => {
    const flat = text.replace(/\s+/g, ' ');
    return !last && visible(flat).length > max ? `${flat.slice(0, max - 1)}…` : flat;
  };
  const cells = [headings, ...rows.map((row) => row.map((cell, i) => cut(cell, i === row.length - 1)))];
  const widths = headings.map((_, i) => Math.max(...cells.map((row) => visible(row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i] - visible(cell).length)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `name: value` lines, names aligned. */
export function facts(pairs: [string, string][]): string {
  const width = Math.max(...pairs.map(([name]) => name.length));
  return pairs.map(([name, value]) => `${`${name}:`.padEnd(width + 2)}${value}`).join('\n');
}

export const orDash = (value: string | number | null | undefined): string =>
  value === null || value === undefined || value === '' ? '-' : String(value);

/**
 * A time given as a duration back from now (`90s`, `30m`, `1h`, `2d`, `1w`) or as an ISO 8601 time: the
 * ISO time it means. Undefined when it is neither.
 */
export function timeArgument(value: string, now = Date.now()): string | undefined {
  const duration = /^(\d+)(s|m|h|d|w)$/.exec(value.trim());
  if (duration) {
    const unit = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 }[duration[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return new Date(now - Number(duration[1]) * unit * 1_000).toISOString();
  }
  if (/^\d{4}-\d\d-\d\d/.test(value) && !Number.isNaN(Date.parse(value)))
    return new Date(value).toISOString();
  return undefined;
}
