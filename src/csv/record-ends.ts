// Whether the text read so far ends where a record ends: after a line break that is outside any
// quoted field. When a co-process's input pauses there, its last record is complete and can be
// answered; anywhere else (half a line, a quoted cell with a line break in it) it must wait.
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

export class RecordEnds {
  private quoted = false;
  /** Inside a quoted field the text ended on a quote: closing, or the first of an escaped `""`. */
  private quoteLast = false;
  private last = -1;
  private readonly delimiter: number;

  /** `crLines`: records end with CR alone (Excel for Mac), so a final CR ends one. */
  constructor(delimiter: string, private readonly crLines: boolean) {
    this.delimiter = delimiter.charCodeAt(0);
  }

  /**
   * Follows the quoting as csv-parse reads it with relax_quotes: a quote opens a quoted field only
   * at the start of a field, `""` inside one is a quote, and any other quote there closes it; a
   * quote inside an unquoted field is text. Only quotes are looked at (a native indexOf apart).
   */
  feed(text: string): void {
    if (text.length === 0) return;
    let i = 0;
    if (this.quoteLast) {
      this.quoteLast = false;
      if (text.charCodeAt(0) === QUOTE) i = 1;
      else this.quoted = false;
    }
    for (let q = text.indexOf('"', i); q >= 0; q = text.indexOf('"', i)) {
      if (this.quoted) {
        if (q + 1 === text.length) {
          this.quoteLast = true;
          break;
        }
        if (text.charCodeAt(q + 1) === QUOTE) i = q + 2;
        else {
          this.quoted = false;
          i = q + 1;
        }
      } else {
        const before = q > 0 ? text.charCodeAt(q - 1) : this.last;
        if (before === -1 || before === LF || before === CR || before === this.delimiter) this.quoted = true;
        i = q + 1;
      }
    }
    this.last = text.charCodeAt(text.length - 1);
  }

  /** The text so far ends with a complete record. */
  get atRecordEnd(): boolean {
    return !this.quoted && !this.quoteLast && (this.last === LF || (this.last === CR && this.crLines));
  }

  /**
   * Blank lines that make the parser give up the record it holds back (see records.ts): csv-parse
   * 7 wants 3 more characters after a record's line break (its longest trim character), and 3
   * after a closing quote; 4 leave a margin, and test/unit/pauses.test.ts holds it to that.
   */
  get blankLines(): string {
    return this.crLines ? '\r\r\r\r' : '\n\n\n\n';
  }
}
