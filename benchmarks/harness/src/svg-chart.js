/**
 * A horizontal bar chart as a standalone SVG document: bars in labelled groups, one colour per
 * series, a linear or logarithmic axis, and optionally a reference tick across each bar (a
 * limit, a goal) so that every bar is read against its own reference.
 */

/**
 * @typedef {object} Bar
 * @property {string} series the series it belongs to (its colour and legend entry)
 * @property {number} value
 * @property {string} [text] drawn after the bar; the value with thousands separators by default
 * @property {number} [reference] drawn as a tick across the bar's row
 * @typedef {{ label: string, bars: Bar[] }} BarGroup
 * @typedef {object} BarChart
 * @property {string} title
 * @property {string} [subtitle]
 * @property {string} axisLabel what the axis measures, with its unit
 * @property {{ name: string, color?: string }[]} series in legend order
 * @property {BarGroup[]} groups top to bottom
 * @property {'linear' | 'log'} [scale] 'linear' by default
 * @property {string} [referenceLabel] the legend entry of the reference ticks
 */

/** Colours of the series without one (colour-blind safe, Okabe–Ito). */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442'];

const WIDTH = 900;
const LABEL_WIDTH = 190;
const TEXT_ROOM = 150;
const BAR_HEIGHT = 12;
const BAR_GAP = 3;
const GROUP_GAP = 12;

/** @param {string} text */
function escapeXml(text) {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** @param {number} value */
const fixed = (value) => (Math.round(value * 10) / 10).toString();

/**
 * The axis: a function from value to x offset (0 to `width`) and the ticks to draw.
 * @param {number[]} values every bar value and reference
 * @param {'linear' | 'log'} scale
 * @param {number} width
 */
function axisOf(values, scale, width) {
  if (scale === 'log') {
    const positive = values.filter((value) => value > 0);
    const low = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
    const high = 10 ** Math.ceil(Math.log10(Math.max(...positive, 10)));
    const span = Math.log10(high) - Math.log10(low);
    const ticks = [];
    for (let tick = low; tick <= high * 1.0001; tick *= 10) ticks.push(tick);
    return {
      x: (/** @type {number} */ value) =>
        value <= 0 ? 0 : ((Math.log10(Math.max(value, low)) - Math.log10(low)) / span) * width,
      ticks,
    };
  }
  const max = Math.max(...values, 0) || 1;
  const step = 10 ** Math.floor(Math.log10(max / 5));
  const nice = [1, 2, 2.5, 5, 10].map((m) => m * step).find((s) => max / s <= 6) ?? step * 10;
  const high = Math.ceil(max / nice) * nice;
  const ticks = [];
  for (let tick = 0; tick <= high + nice / 1000; tick += nice) ticks.push(tick);
  return { x: (/** @type {number} */ value) => (Math.max(0, value) / high) * width, ticks };
}

/** @param {number} value */
function tickText(value) {
  if (value >= 1e6) return `${value / 1e6}M`;
  if (value >= 1e3) return `${value / 1e3}k`;
  return String(value);
}

/**
 * The legend: a swatch and the name of each series, then the reference tick, in rows that wrap
 * at the chart's width.
 * @param {Map<string, string>} colors series name to colour
 * @param {string | undefined} referenceLabel
 * @param {number} firstY baseline of the first row
 * @returns {{ items: string[], bottom: number }}
 */
function legendOf(colors, referenceLabel, firstY) {
  const items = [];
  let x = LABEL_WIDTH;
  let y = firstY;
  /** @param {number} width */
  const place = (width) => {
    if (x > LABEL_WIDTH && x + width > WIDTH - 10) {
      x = LABEL_WIDTH;
      y += 16;
    }
    const at = x;
    x += width;
    return at;
  };
  for (const [name, color] of colors) {
    const at = place(24 + name.length * 5.6);
    items.push(
      `<rect x="${at}" y="${y - 9}" width="10" height="10" fill="${color}"/>` +
        `<text x="${at + 14}" y="${y}" class="small">${escapeXml(name)}</text>`,
    );
  }
  if (referenceLabel) {
    const at = place(24 + referenceLabel.length * 5.6);
    items.push(
      `<line x1="${at + 4}" x2="${at + 4}" y1="${y - 10}" y2="${y + 1}" ` +
        'stroke="#222" stroke-width="2"/>' +
        `<text x="${at + 12}" y="${y}" class="small">${escapeXml(referenceLabel)}</text>`,
    );
  }
  return { items, bottom: y };
}

/**
 * Renders the chart as an SVG document.
 * @param {BarChart} chart
 * @returns {string}
 */
export function svgBarChart(chart) {
  const scale = chart.scale ?? 'linear';
  /** @type {Map<string, string>} */
  const colors = new Map(
    chart.series.map((series, index) => [
      series.name,
      series.color ?? PALETTE[index % PALETTE.length] ?? '#000',
    ]),
  );
  const bars = chart.groups.flatMap((group) => group.bars);
  const values = bars.flatMap((bar) =>
    bar.reference === undefined ? [bar.value] : [bar.value, bar.reference],
  );
  const plotWidth = WIDTH - LABEL_WIDTH - TEXT_ROOM;
  const axis = axisOf(values, scale, plotWidth);
  const legend = legendOf(colors, chart.referenceLabel, chart.subtitle ? 58 : 42);
  const top = legend.bottom + 20;
  const out = [];
  let y = top;
  for (const group of chart.groups) {
    const height = group.bars.length * (BAR_HEIGHT + BAR_GAP) - BAR_GAP;
    out.push(
      `<text x="${LABEL_WIDTH - 8}" y="${fixed(y + height / 2 + 4)}" text-anchor="end">` +
        `${escapeXml(group.label)}</text>`,
    );
    for (const bar of group.bars) {
      const width = axis.x(bar.value);
      const color = colors.get(bar.series) ?? '#000';
      out.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${fixed(width)}" height="${BAR_HEIGHT}" ` +
          `fill="${color}"><title>${escapeXml(`${bar.series}: ${bar.value}`)}</title></rect>`,
      );
      if (bar.reference !== undefined) {
        const x = fixed(LABEL_WIDTH + axis.x(bar.reference));
        out.push(
          `<line x1="${x}" x2="${x}" y1="${y - 1}" y2="${y + BAR_HEIGHT + 1}" ` +
            'stroke="#222" stroke-width="2"/>',
        );
      }
      const text = bar.text ?? bar.value.toLocaleString('en-US');
      const textX = LABEL_WIDTH + Math.max(width, bar.reference ? axis.x(bar.reference) : 0) + 5;
      out.push(
        `<text x="${fixed(textX)}" y="${y + BAR_HEIGHT - 2}" class="small">` +
          `${escapeXml(text)}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += GROUP_GAP - BAR_GAP;
  }
  const bottom = y;
  const grid = axis.ticks.map((tick) => {
    const x = fixed(LABEL_WIDTH + axis.x(tick));
    return (
      `<line x1="${x}" x2="${x}" y1="${top - 4}" y2="${bottom}" stroke="#ddd"/>` +
      `<text x="${x}" y="${bottom + 14}" text-anchor="middle" class="small">` +
      `${tickText(tick)}</text>`
    );
  });
  const height = bottom + 40;
  const axisLabel =
    `<text x="${fixed(LABEL_WIDTH + plotWidth / 2)}" y="${bottom + 32}" ` +
    `text-anchor="middle">${escapeXml(chart.axisLabel)}${scale === 'log' ? ' (log scale)' : ''}` +
    '</text>';
  const subtitle = chart.subtitle
    ? `<text x="10" y="40" class="small">${escapeXml(chart.subtitle)}</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" \
viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">
<style>.small { font-size: 10px; } .title { font-size: 15px; font-weight: bold; }</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="22" class="title">${escapeXml(chart.title)}</text>
${subtitle}
${grid.join('\n')}
${legend.items.join('\n')}
${out.join('\n')}
${axisLabel}
</svg>
`;
}
