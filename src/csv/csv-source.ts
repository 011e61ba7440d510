// An import's input as CSV records, with what the import run records about the bytes: the
// encoding found, the delimiter, and the SHA-256 of the input.
import { createHash } from 'node:crypto';
import { decodeStream } from './decode.js';
import { readCsv, type CsvReader } from './records.js';

export interface CsvSource {
  encoding: string;
  /** The bytes said the encoding (a BOM, UTF-8 letters…) or the user named it: not a guess. */
  encodingCertain: boolean;
  delimiter: string;
  reader: CsvReader;
  /** SHA-256 (hex) of the input bytes; known once every record has been read. */
  sha256(): string;
}

export interface OpenCsvOptions {
  encoding?: string | undefined;
  delimiter?: string | undefined;
  /** With an .xlsx input: the sheet to read (default: the first). */
  sheet?: string | undefined;
  /** For messages: the file name or "stdin". */
  name?: string | undefined;
}

/** Decodes and parses the input in this thread, hashing the bytes as they pass. */
export async function openCsvSource(input: AsyncIterable<Buffer | string>, options: OpenCsvOptions = {}): Promise<CsvSource> {
  const hash = createHash('sha256');
  let digest: string | undefined;
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of input) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      hash.update(buffer);
      yield buffer;
    }
  }
  const decoded = await decodeStream(hashed(), options.encoding, { sheet: options.sheet, name: options.name });
  // A workbook's sheet comes as comma-separated text, whatever --delimiter says.
  const csv = await readCsv(decoded.text, { delimiter: decoded.workbook ? ',' : options.delimiter, badBytes: decoded.badBytes });
  return {
    encoding: decoded.encoding,
    encodingCertain: decoded.certain,
    delimiter: csv.delimiter,
    reader: csv.reader,
    sha256: () => (digest ??= hash.digest('hex')),
  };
}
