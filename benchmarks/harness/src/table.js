/**
 * Markdown tables and the number formats of their cells.
 */

/**
 * @typedef {{ title: string, align?: 'left' | 'right' | 'center' }} Column
 */

/** @type {Record<string, string>} */
const ALIGNMENT_ROW_CELLS = { left: '---', right: '--:', center: ':-:' };

/**
 * A Markdown table: the header, the alignment row, then one line per row (no trailing newline).
 * @param {Column[]} columns
 * @param {string[][]} rows the cells, already formatted
 */
export function markdownTable(columns, rows) {
  const line = (/** @type {string[]} */ cells) => `| ${cells.join(' | ')} |`;
  const alignment = columns.map((column) => ALIGNMENT_ROW_CELLS[column.align ?? 'left']);
  return [
    line(columns.map((column) => column.title)),
    `|${alignment.join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

/**
 * A count with thousands separators: `1,234,567`.
 * @param {number} value
 */
export function formatThousands(value) {
  return value.toLocaleString('en-US');
}

/**
 * @typedef {{ smallThousandsDecimals?: number }} CompactOptions decimals of the values from
 *   1,000 to 9,999 (1, the default, gives `1.9k`; 0 gives `2k`)
 */

/**
 * A rate in a few characters: `1.24M`, `590k`, `1.9k`, `950`.
 * @param {number} value
 * @param {CompactOptions} [options]
 */
export function formatCompact(value, { smallThousandsDecimals = 1 } = {}) {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(0)}k`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(smallThousandsDecimals)}k`;
  return value.toFixed(0);
}

/**
 * The spread of a rate over the runs: `588k–620k (5.3%)`, min–max and (max − min) / median.
 * @param {number} min
 * @param {number} max
 * @param {number} relativeSpread
 * @param {CompactOptions} [options]
 */
export function formatSpread(min, max, relativeSpread, options) {
  const range = `${formatCompact(min, options)}–${formatCompact(max, options)}`;
  return `${range} (${(relativeSpread * 100).toFixed(1)}%)`;
}

/**
 * A ratio with the range of the per-run ratios: `2.10× (2.08–2.12)`.
 * @param {number} ratio
 * @param {number} min
 * @param {number} max
 * @param {number} [digits] decimals; by default 3 below 0.1, else 2
 */
export function formatRatio(ratio, min, max, digits = ratio < 0.1 ? 3 : 2) {
  return `${ratio.toFixed(digits)}× (${min.toFixed(digits)}–${max.toFixed(digits)})`;
}
