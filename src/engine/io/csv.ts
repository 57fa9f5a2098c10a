/**
 * CSV and the conventions every export shares (CSV, JSON, VTK XML PolyData under exports/). Pure
 * string functions: no tensors, no DOM.
 *
 * Conventions shared by every format:
 * - numbers are written with String(x) (shortest text that reads back to the same double);
 * - non-finite numbers are written as empty CSV fields or JSON null, and read back as NaN;
 * - CSV follows RFC 4180 quoting (a field with a comma, quote, CR or LF is quoted, quotes doubled)
 *   with "\n" line ends and a final "\n"; the parsers also accept "\r\n" and a leading BOM.
 */
import { z } from 'zod';

export type Field = string | number;

/** A number as CSV text: full precision, empty if not finite. */
export function csvNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

/** One CSV field, quoted (RFC 4180) when it holds a comma, quote, CR or LF. */
export function csvField(value: Field): string {
  const text = typeof value === 'number' ? csvNumber(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvText(header: readonly string[], rows: readonly Field[][]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',') + '\n').join('');
}

/**
 * RFC 4180 parser: records of fields, quoted fields may hold commas, doubled quotes and line
 * breaks. Accepts "\n", "\r\n" or "\r" record ends, a final line end or none, and a leading BOM.
 * Throws on a stray quote inside an unquoted field, text after a closing quote, or an open quote.
 */
export function parseCsv(text: string): string[][] {
  const s = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let line = 1;
  let started = false; // whether the current record has any content (or a separator) yet
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      if (field !== '') throw new Error(`CSV line ${line}: a quote inside an unquoted field`);
      const end = readQuoted(s, i + 1, line);
      field = end.value;
      line += end.lineBreaks;
      i = end.next;
      started = true;
      if (i < s.length && s[i] !== ',' && s[i] !== '\n' && s[i] !== '\r') throw new Error(`CSV line ${line}: text after a closing quote`);
      continue;
    }
    if (c === ',') {
      record.push(field);
      field = '';
      started = true;
      i++;
      continue;
    }
    if (c === '\n' || c === '\r') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      started = false;
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
      line++;
      continue;
    }
    field += c;
    started = true;
    i++;
  }
  if (started) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Reads a quoted field's content starting just after the opening quote. */
function readQuoted(s: string, start: number, line: number): { value: string; next: number; lineBreaks: number } {
  let value = '';
  let lineBreaks = 0;
  let i = start;
  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      if (s[i + 1] === '"') {
        value += '"';
        i += 2;
        continue;
      }
      return { value, next: i + 1, lineBreaks };
    }
    if (c === '\n') lineBreaks++;
    value += c;
    i++;
  }
  throw new Error(`CSV line ${line}: a quoted field is never closed`);
}

/** Parses a CSV whose first record must be exactly `header`; returns the data records, each checked for length. */
export function csvRecords(text: string, header: readonly string[], what: string): string[][] {
  const records = parseCsv(text);
  if (records.length === 0) throw new Error(`${what}: the file is empty`);
  if (records[0].join(',') !== header.join(','))
    throw new Error(`${what}: expected the header "${header.join(',')}", found "${records[0].join(',')}"`);
  const rows = records.slice(1);
  rows.forEach((row, r) => {
    if (row.length !== header.length) throw new Error(`${what}: record ${r + 2} has ${row.length} fields, expected ${header.length}`);
  });
  return rows;
}

/** A numeric CSV field: empty → NaN; anything but a plain decimal number throws. */
export function readNumber(text: string, what: string): number {
  if (text === '') return NaN;
  const x = Number(text);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) || !Number.isFinite(x)) throw new Error(`${what}: "${text}" is not a number`);
  return x;
}

export function laneName(laneNames: Record<string, string>, laneId: string): string {
  return Object.prototype.hasOwnProperty.call(laneNames, laneId) ? laneNames[laneId] : laneId;
}

/** Lanes named in the export: every lane of the points, in first-seen order. */
export function exportLanes(laneIds: readonly string[], laneNames: Record<string, string>): Record<string, string> {
  const lanes: Record<string, string> = {};
  for (const id of laneIds) if (!Object.prototype.hasOwnProperty.call(lanes, id)) lanes[id] = laneName(laneNames, id);
  return lanes;
}

/** A JSON number or null (→ NaN). */
export const jsonNumber = z
  .number()
  .nullable()
  .transform((x) => x ?? NaN);
