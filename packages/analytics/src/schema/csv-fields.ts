/**
 * The fields of one CSV line (RFC 4180 quoting: `"a,b"` is one field, `""` inside quotes is a
 * quote), or `undefined` when a quote is not closed. A trailing line break is ignored.
 */
export function splitCsvLine(line: string, delimiter: string): string[] | undefined {
  let text = line;
  if (text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
  if (!text.includes('"')) return text.split(delimiter);
  const fields: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const close = text.indexOf('"', j);
        if (close < 0) return undefined;
        value += text.slice(j, close);
        if (text[close + 1] === '"') {
          value += '"';
          j = close + 2;
          continue;
        }
        j = close + 1;
        break;
      }
      fields.push(value);
      if (j < text.length && text[j] !== delimiter) return undefined;
      i = j + 1;
    } else {
      const next = text.indexOf(delimiter, i);
      const end = next < 0 ? text.length : next;
      fields.push(text.slice(i, end));
      i = end + 1;
    }
  }
  return fields;
}
