// Spreadsheets that come instead of a CSV. An .xlsx workbook (Monday.com exports boards only so,
// and people save as .xlsx by habit) is read: its first tab, or the sheet named, as CSV text that
// the rest of the reading takes like any CSV file. Other workbooks (.xls, .numbers, .ods) are
// refused with the way to save them as CSV. Told by their first bytes, not by the file name.
import { Readable } from 'node:stream';
import { AosError } from '../errors.js';

export type WorkbookKind = 'xlsx' | 'xls' | 'numbers' | 'ods' | 'zip';

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** What kind of workbook the input's first bytes are, or null for text. */
export function workbookKind(head: Buffer): WorkbookKind | null {
  if (head.subarray(0, 8).equals(OLE2)) return 'xls';
  if (!head.subarray(0, 4).equals(ZIP)) return null;
  // The names of a ZIP's first entries are in its local headers, in the clear.
  const names = head.subarray(0, 64 * 1024).toString('latin1');
  if (names.includes('opendocument.spreadsheet')) return 'ods';
  if (names.includes('Index/Document.iwa') || names.includes('Index.zip') || names.includes('.iwa')) return 'numbers';
  if (names.includes('xl/') || names.includes('[Content_Types].xml')) return 'xlsx';
  return 'zip';
}

const NAMES: Record<Exclude<WorkbookKind, 'xlsx'>, string> = {
  xls: 'an Excel 97-2003 workbook (.xls)',
  numbers: 'an Apple Numbers document (.numbers)',
  ods: 'an OpenDocument spreadsheet (.ods)',
  zip: 'a ZIP archive',
};

/** The error for a workbook aos does not read: what it is, and how to save it as CSV. */
export function unreadableWorkbook(kind: Exclude<WorkbookKind, 'xlsx'>, name: string): AosError {
  const how =
    kind === 'numbers'
      ? 'in Numbers choose File > Export To > CSV… (Text Encoding: Unicode UTF-8), or save it as .xlsx'
      : kind === 'zip'
        ? 'unpack it and give the CSV file inside'
        : 'open it and save it as "CSV UTF-8 (Comma delimited)" (File > Save As…), or as .xlsx';
  return new AosError('input', `${name} is ${NAMES[kind]}, not a CSV file`, how);
}

/** A cell's value as the text a CSV export of the sheet would hold. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const v = value as { richText?: Array<{ text?: string }>; text?: unknown; result?: unknown; formula?: string; error?: string; hyperlink?: string };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text ?? '').join('');
    // A hyperlink shows its text; the link itself (a mailto:) only when there is no text.
    if ('hyperlink' in v) return v.text !== undefined ? cellText(v.text) : (v.hyperlink ?? '');
    if ('formula' in v || 'sharedFormula' in v) return cellText(v.result);
    if ('error' in v) return String(v.error ?? '');
    if ('text' in v) return cellText(v.text);
  }
  return String(value);
}

function csvLine(cells: readonly string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',') + '\n';
}

/** Text handed on in pieces of about this many characters, not a row at a time. */
const CHUNK_CHARS = 64 * 1024;

interface SheetReader extends AsyncIterable<{ name?: string; [Symbol.asyncIterator](): AsyncIterator<{ values: unknown; number: number }> }> {
  /** workbook.xml as read so far: its sheets in tab order (read before the sheet parts it names). */
  model?: { sheets?: Array<{ name?: string; state?: string }> };
}

/**
 * The sheet read when none is named: the first visible tab, as Excel shows and saves it. The
 * sheet parts come in the ZIP in the order they were created, not in tab order: a tab moved to
 * the front (or a hidden first sheet) would otherwise be passed over for another sheet.
 */
function firstTab(reader: SheetReader): string | undefined {
  const visible = (reader.model?.sheets ?? []).filter((s) => s.name !== undefined && (s.state ?? 'visible') === 'visible');
  return visible[0]?.name?.trim().toLowerCase();
}

/**
 * The chosen sheet of an .xlsx as CSV text (comma-delimited, LF, quoted where needed), streamed:
 * rows are read one at a time, so a sheet of a million rows does not sit in memory. Empty rows
 * between rows stay as empty lines (the reader skips them as it skips blank CSV lines).
 */
export async function* xlsxAsCsv(bytes: AsyncIterable<Buffer>, options: { sheet?: string | undefined; name: string }): AsyncGenerator<string> {
  const { default: ExcelJS } = await import('exceljs');
  const input = Readable.from(bytes);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    hyperlinks: 'cache',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  }) as unknown as SheetReader;
  let wanted = options.sheet?.trim().toLowerCase();
  const seen: string[] = [];
  let found = false;
  try {
    for await (const sheet of reader) {
      const name = sheet.name ?? `Sheet${seen.length + 1}`;
      seen.push(name);
      // Sheets named from workbook.xml: its tab order is known (else the first part is the first tab).
      if (sheet.name !== undefined) wanted ??= firstTab(reader);
      const chosen = !found && (wanted === undefined || name.trim().toLowerCase() === wanted);
      if (!chosen) {
        for await (const _ of sheet) void _; // a sheet passed over is still drained: the ZIP is one stream
        continue;
      }
      found = true;
      let previous = 0;
      let out = '';
      for await (const row of sheet) {
        out += '\n'.repeat(Math.max(0, row.number - previous - 1));
        previous = row.number;
        const values = Array.isArray(row.values) ? (row.values as unknown[]) : [];
        const cells: string[] = [];
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
        out += csvLine(cells);
        if (out.length >= CHUNK_CHARS) {
          yield out;
          out = '';
        }
      }
      if (out !== '') yield out;
      break; // the sheets after the chosen one are not read
    }
  } catch (e) {
    if (e instanceof AosError) throw e;
    throw new AosError('input', `cannot read ${options.name} as an .xlsx workbook: ${(e as Error)?.message ?? String(e)}`, 'open it and save it again as .xlsx or as "CSV UTF-8" (File > Save As…)', { cause: e });
  } finally {
    input.destroy();
  }
  if (!found) {
    if (options.sheet === undefined && seen.length > 0) throw new AosError('input', `${options.name}: the sheet of its first tab ("${wanted}") was not found among its sheet parts (${seen.join(', ')})`, 'name the sheet to read with {sheet}');
    if (wanted === undefined) throw new AosError('input', `${options.name} holds no worksheet`);
    throw new AosError('usage', `${options.name} has no sheet "${options.sheet}"`, `its sheets are: ${seen.join(', ')}`);
  }
}
