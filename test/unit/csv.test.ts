import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeStream, detectEncoding } from '../../src/csv/decode.js';
import { detectDelimiter } from '../../src/csv/delimiter.js';
import { readCsv, type CsvRecord } from '../../src/csv/records.js';
import { pickTargetColumn } from '../../src/csv/target-rows.js';
import { cellText, workbookKind } from '../../src/csv/workbook.js';

async function records(bytes: Buffer | string, options: { delimiter?: string; keepRaw?: boolean; encoding?: string; chunk?: number } = {}) {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const size = options.chunk ?? 7;
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) chunks.push(buf.subarray(i, i + size));
  const decoded = await decodeStream(Readable.from(chunks), options.encoding);
  const csv = await readCsv(decoded.text, { ...options, badBytes: decoded.badBytes });
  const out: CsvRecord[] = [];
  for await (const batch of csv.reader.batches()) out.push(...batch);
  return { encoding: decoded.encoding, delimiter: csv.delimiter, records: out };
}

describe('detectDelimiter', () => {
  const cases: Array<[string, string]> = [
    ['Company,Website,Deal Size\nBuildRight,buildright.com.au,15000\n', ','],
    ['Company;Website;Deal Size\nBuildRight;buildright.com.au;15.000,00\n', ';'],
    ['Company\tWebsite\nBuildRight\tbuildright.com.au\n', '\t'],
    ['Company|Website\nBuildRight|buildright.com.au\n', '|'],
    ['"Name, Inc";Website\n"A, B";a.com\n', ';'],
    ['domain\nbigcorp.com\nshop.bigcorp.com\n', ','],
    ['a,b;c\n1,2;3\n4,5;6\n', ','],
  ];
  it.each(cases)('%j → %j', (sample, expected) => expect(detectDelimiter(sample)).toBe(expected));
});

describe('detectEncoding', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['UTF-8 with BOM', Buffer.from('\ufeffCompany\nCafé\n'), 'utf-8'],
    ['UTF-8 without BOM', Buffer.from('Company\nCafé\n'), 'utf-8'],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Company\nCafé\n', 'utf16le')]), 'utf-16le'],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('Company\n', 'utf16le').swap16()]), 'utf-16be'],
    ['UTF-16LE without BOM', Buffer.from('Company,Website\nAcme,acme.com\n', 'utf16le'), 'utf-16le'],
    ['Windows-1252', iconv.encode('Company\nSociété Générale – “quoted”\n', 'windows-1252'), 'windows-1252'],
    ['plain ASCII', Buffer.from('a,b\n'), 'utf-8'],
    ['Windows-1252 with ’ inside words', iconv.encode('Name\r\nO’Brien’s Bakery\r\nMüller GmbH\r\n', 'windows-1252'), 'windows-1252'],
    // Excel for Mac "CSV (Macintosh)": CR line endings, ä ñ é ü as 0x80-0x9F.
    ['Mac Roman (Excel for Mac)', iconv.encode('Company,Website\rBäckerei Schmidt,baeckerei-schmidt.de\rSeñor Taco,senortaco.mx\r', 'macintosh'), 'macintosh'],
    ['Mac Roman with LF endings, accents in names only', iconv.encode('Company,Website\nBäckerei Schmidt,baeckerei-schmidt.de\nCafé Zürich,cafe.ch\n', 'macintosh'), 'macintosh'],
    // Mac Roman with LF endings whose only letters are ø æ ß (0xA0-0xBF: ¿ ¾ § in Windows-1252).
    ['Mac Roman, LF, only ø æ ß in names', iconv.encode('Company,Website\nBjørn AS,bjorn.no\nMæhle,maehle.dk\nStraße,strasse.de\n', 'macintosh'), 'macintosh'],
    ['Windows-1252 with © and ® beside words', iconv.encode('Company,Notes\r\nAcme©,Brand®s\r\nMüller,ok\r\n', 'windows-1252'), 'windows-1252'],
    // One stray byte beside UTF-8 letters: still UTF-8 (the row holding it is invalid), never 1252.
    ['UTF-8 with one bad byte', Buffer.concat([Buffer.from('website\nmünchen-bau.de\n'), Buffer.from([0x78, 0xe9, 0x0a])]), 'utf-8'],
  ];
  it.each(cases)('%s', (_name, bytes, expected) => expect(detectEncoding(bytes, true)).toBe(expected));

  // Letters in both encodings, different letters: the votes settle them by case inside a word, for
  // names; a byte above ASCII inside a domain, an address or a URL is never guessed (below).
  it.each([
    ['Mac Roman, CRLF, É in an upper-case word', iconv.encode('Company,Website\r\nCAFÉ PARIS,cafe.fr\r\n', 'macintosh'), 'macintosh'],
    ['Windows-1252, CRLF, é after a lower-case letter', iconv.encode('Company,Website\r\nCafé,cafe.fr\r\n', 'windows-1252'), 'windows-1252'],
    ['Windows-1252, only O’Brien (no target touched)', iconv.encode('Name,Website\r\nO’Brien’s,obriens.com\r\n', 'windows-1252'), 'windows-1252'],
    // A full stop ending a word is no domain: Zürich. reads as a name.
    ['Windows-1252, a name ending in a full stop', iconv.encode('Company,Notes\r\nMüller,in Zürich.\r\n', 'windows-1252'), 'windows-1252'],
  ])('%s', (_name, bytes, expected) => expect(detectEncoding(bytes, true)).toBe(expected));

  it.each([
    // Settled by the votes or by Excel for Mac's CR line ends, and still asked for: the votes read
    // names; a Polish file votes Windows-1252 as readily as a French one.
    ['Mac Roman (Excel for Mac), CR, an IDN', iconv.encode('Website\rcafé-paris.fr\r', 'macintosh'), /line 2 holds .*"cafŽ-paris\.fr" in Windows-1252.*"café-paris\.fr" in Mac Roman/],
    ['Windows-1252, ü and ñ in names, œ in a domain', iconv.encode('Company,Website\r\nMüller,mueller.de\r\nSeñor Taco,sœur-mode.fr\r\n', 'windows-1252'), /line 3 holds .*"sœur-mode\.fr" in Windows-1252/],
    ['Mac Roman, LF, ä and é in names and an IDN', iconv.encode('Company,Website\nBäckerei,bäckerei.de\nCafé,cafe.fr\n', 'macintosh'), /"bäckerei\.de" in Mac Roman/],
    ['Windows-1250 (Polish Excel), ó and ę voting Windows-1252', iconv.encode('Name,City,Website\r\nJan,Kraków,tęcza.pl\r\nOla,Częstochowa,koń.pl\r\n', 'windows-1250'), /"têcza\.pl" in Windows-1252.*"tęcza\.pl" in Windows-1250/],
    // ł is Windows' ³, no letter, which a target reads as 3.
    ['Windows-1250, ł in a domain', iconv.encode('Website\r\norzeł.pl\r\n', 'windows-1250'), /"orze³\.pl" in Windows-1252.*"orzeł\.pl" in Windows-1250/],
    ['Mac Roman, a domain with a trailing dot', iconv.encode('Website\nélan-vital.fr.\n', 'macintosh'), /"élan-vital\.fr\." in Mac Roman/],
    ['Mac Roman, a URL ending in a number', iconv.encode('Website\nhttps://élan-vital.fr/contact?v=2.1\n', 'macintosh'), /"https:\/\/élan-vital\.fr\/contact\?v=2\.1" in Mac Roman/],
    ['Mac Roman, LF, å starting a domain label', iconv.encode('Website\nwww.åland-shop.fi\n', 'macintosh'), /line 2 holds .*"www\.Œland-shop\.fi" in Windows-1252 .*"www\.åland-shop\.fi" in Mac Roman/],
    ['Windows-1252, CRLF, œ and š (letters in both, same case)', iconv.encode('Company,Website\r\nSoeur,sœur-mode.fr\r\nT,tšempion.ee\r\n', 'windows-1252'), /line 2 holds .*"sœur-mode\.fr" in Windows-1252 .*"súur-mode\.fr" in Mac Roman/],
    ['Windows-1252, an address', iconv.encode('Email\r\njo@œuvre.fr\r\n', 'windows-1252'), /"jo@œuvre\.fr" in Windows-1252/],
    // Votes never settle a domain: ü in a name, em dashes in notes (Mac Roman's ó) vote either way.
    ['Windows-1252, œ beside Müller', iconv.encode('Company,Website\r\nMüller,sœur-mode.fr\r\n', 'windows-1252'), /"sœur-mode\.fr" in Windows-1252/],
    ['Windows-1252, em dashes in notes', iconv.encode('Company,Website,Notes\r\nCafe,café-paris.fr,client—renewing—soon—now—yes\r\n', 'windows-1252'), /"café-paris\.fr" in Windows-1252 .* "cafÈ-paris\.fr" in Mac Roman/],
    ['Mac Roman, LF, a curly apostrophe and ö', iconv.encode('Company,Website,Notes\nOko,ökobau.de,don’t\n', 'macintosh'), /"škobau\.de" in Windows-1252 .* "ökobau\.de" in Mac Roman/],
    ['Mac Roman, LF, é inside a word', iconv.encode('Website\ncafé-paris.fr\n', 'macintosh'), /"café-paris\.fr" in Mac Roman/],
    ['ISO-8859-15 (LibreOffice)', iconv.encode('Website\nsœur-mode.fr\n', 'iso-8859-15'), /line 2 holds .*"s½ur-mode\.fr" in Windows-1252/],
    ['CP850 (DOS)', iconv.encode('Website\r\nmünchen-bau.de\r\n', 'cp850'), /line 2 holds/],
    // One byte voting twice (the name and its domain) is one piece of evidence, not two.
    ['ISO-8859-2, ę in a name and its domain', iconv.encode('Company,Website\nDęby,dęby.pl\n', 'iso-8859-2'), /line 2 holds .*"dêby\.pl" in Windows-1252/],
    // Two bytes vote Windows-1252 (ć → æ, ń → ñ), but ł reads as ³ between letters there: not Windows-1252.
    ['ISO-8859-2, ć ń and ł', iconv.encode('Company,Website\r\nMaćko Hańczak Włodek,dęby.pl\r\n', 'iso-8859-2'), /line 2 holds .*"dêby\.pl"/],
    // Mac Roman's Å between small letters is no word: CP850's ü, with a second byte voting alike.
    ['CP850, ü and ì in names', iconv.encode('Company,Website\r\nMünchen Bau Lìmo,münchen-bau.de\r\n', 'cp850'), /line 2 holds/],
  ])('%s: the encoding is asked for, never guessed', (_name, bytes, message) => {
    expect(() => detectEncoding(bytes, true)).toThrow(message);
  });

  it('a guessed single-byte file stops at a letter byte in a domain past the head, after the rows before it', async () => {
    const rows = ['Company,Website,Notes', 'Müller,mueller.de,ok', ...Array.from({ length: 4000 }, (_, i) => `Co ${i},co${i}.com,some notes here to fill the head`), 'Soeur,sœur-mode.fr,x', 'Last,last.com,x'];
    const bytes = iconv.encode(rows.join('\r\n') + '\r\n', 'windows-1252');
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const chunks = async function* () {
      for (let at = 0; at < bytes.length; at += 16 * 1024) yield bytes.subarray(at, at + 16 * 1024);
    };
    const decoded = await decodeStream(chunks());
    expect(decoded.encoding).toBe('windows-1252');
    let text = '';
    await expect(
      (async () => {
        for await (const chunk of decoded.text) text += chunk;
      })(),
    ).rejects.toThrow(/line 4003 holds .*"sœur-mode\.fr" in Windows-1252 .* the reading stopped there/);
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(4002);
    expect(text).toContain('Müller');
    // Named, the same bytes read to the end.
    let named = '';
    for await (const chunk of (await decodeStream(chunks(), 'windows-1252')).text) named += chunk;
    expect(named).toContain('sœur-mode.fr');
  });

  it('refuses binary input with NUL bytes', () => {
    expect(() => detectEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x41, 0x00, 0x00, 0x00]), true)).toThrow(/binary/);
  });
});

describe('readCsv', () => {
  it('decodes Windows-1252 and UTF-16 to the same records as UTF-8', async () => {
    const text = 'Company,City\nSociété Générale,Paris\n“Smart” Ltd,London\n';
    const expected = [['Company', 'City'], ['Société Générale', 'Paris'], ['“Smart” Ltd', 'London']];
    for (const bytes of [Buffer.from(text), Buffer.from(`\ufeff${text}`), iconv.encode(text, 'windows-1252'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])]) {
      const { records: rs } = await records(bytes);
      expect(rs.map((r) => r.fields)).toEqual(expected);
    }
  });

  it('keeps quoted commas and newlines inside one field and counts lines', async () => {
    const { records: rs } = await records('name,note\n"Acme, Inc","line one\nline two"\nBeta,x\n');
    expect(rs.map((r) => r.fields)).toEqual([['name', 'note'], ['Acme, Inc', 'line one\nline two'], ['Beta', 'x']]);
    expect(rs.map((r) => r.line)).toEqual([1, 3, 4]);
  });

  it('gives each record its exact original bytes, across chunk boundaries and CRLF', async () => {
    const text = 'name,domain\r\n"Acme, Inc",acme.com\r\n"Multi\r\nline",x.com\r\nZürich AG,zuerich.ch';
    for (const chunk of [1, 3, 7, 1024]) {
      const { records: rs } = await records(text, { keepRaw: true, chunk });
      expect(rs.map((r) => r.raw?.toString('utf8')).join('')).toBe(text);
      expect(rs[1]?.raw?.toString()).toBe('"Acme, Inc",acme.com\r\n');
    }
  });

  it("honours Excel's sep= first line: its delimiter, not a row, line numbers kept", async () => {
    for (const text of ['sep=;\r\nCompany;Website\r\nSepCo, Ltd;sepco.com\r\n', '\ufeffSEP=;\nCompany;Website\nSepCo, Ltd;sepco.com\n']) {
      const { records: rs, delimiter } = await records(text, { keepRaw: true, chunk: 3 });
      expect(delimiter).toBe(';');
      expect(rs.map((r) => r.fields)).toEqual([['Company', 'Website'], ['SepCo, Ltd', 'sepco.com']]);
      expect(rs.map((r) => r.line)).toEqual([2, 3]);
      expect(rs[0]?.raw?.toString()).toMatch(/^Company;Website\r?\n$/);
    }
    // Without the directive, "sep=" is just a header cell.
    const { records: plain } = await records('sep=,x\n1,2\n');
    expect(plain[0]?.fields).toEqual(['sep=', 'x']);
  });

  it('reports an unclosed quote as an input error', async () => {
    await expect(records('a,b\n"open,1\n2,3\n')).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('malformed CSV') });
  });

  // Was: an input error whose hint said `--encoding windows-1252`, which reads every UTF-8 letter
  // of the file as two other letters (münchen-bau.de became another valid domain).
  it('marks a record with a bad byte after the sniffed prefix, reads the rest as UTF-8, and stops nothing', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n' + 'x,y\n'.repeat(20000) + 'münchen-bau.de,1\n'), Buffer.from([0x41, 0xff, 0x2c, 0x32, 0x0a]), Buffer.from('zürich.ch,3\n')]);
    const { encoding, records: rs } = await records(bytes, { chunk: 65536 });
    expect(encoding).toBe('utf-8');
    expect(rs).toHaveLength(20004);
    expect(rs.filter((r) => r.undecodable).map((r) => r.line)).toEqual([20003]);
    expect(rs.slice(-3).map((r) => r.fields[0])).toEqual(['münchen-bau.de', 'A\uFFFD', 'zürich.ch']);
  });

  it('reads Excel for Mac CSV (CR line endings, CR or LF inside quoted cells) row by row, in any chunking', async () => {
    // Names only: an IDN in a file that is not UTF-8 waits for its encoding to be named.
    const text = 'Company,Website,Notes\r"Bäckerei Schmidt",baeckerei-schmidt.de,"Kunde\nseit 2019"\rSeñor Taco,senortaco.mx,"two\rlines"\rAcme,acme.com,x\r';
    for (const bytes of [iconv.encode(text, 'macintosh'), Buffer.from(text)]) {
      for (const chunk of [1, 5, 1024]) {
        const { records: rs } = await records(bytes, { chunk });
        expect(rs.map((r) => r.fields)).toEqual([
          ['Company', 'Website', 'Notes'],
          ['Bäckerei Schmidt', 'baeckerei-schmidt.de', 'Kunde\nseit 2019'],
          ['Señor Taco', 'senortaco.mx', 'two\rlines'],
          ['Acme', 'acme.com', 'x'],
        ]);
      }
    }
  });

  it('stops when a record has many times the header\'s cells (mixed line endings), after the records before it', async () => {
    const head = 'Company,Website\n' + 'A,a.com\n'.repeat(20);
    const text = head + Array.from({ length: 10 }, (_, i) => `C${i},c${i}.com`).join('\r') + '\nB,b.com\n';
    const got: CsvRecord[] = [];
    const decoded = await decodeStream(Readable.from([Buffer.from(text)]));
    const csv = await readCsv(decoded.text);
    await expect(
      (async () => {
        for await (const batch of csv.reader.batches()) got.push(...batch);
      })(),
    ).rejects.toMatchObject({ code: 'input', message: expect.stringMatching(/do not fit the header .*line 31 has 11 cells where the header has 2/) });
    expect(got).toHaveLength(21);
  });

  it('refuses a record larger than the limit', async () => {
    await expect(readAll('x'.repeat(200), 100)).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('longer than') });
  });
});

async function readAll(text: string, maxRecordSize: number) {
  const decoded = await decodeStream(Readable.from([Buffer.from(text)]));
  const csv = await readCsv(decoded.text, { maxRecordSize });
  for await (const _ of csv.reader.batches()) void _;
}

describe('pickTargetColumn', () => {
  const rows = (...r: string[][]) => r;
  it.each([
    ['the first target column', rows(['Acme', 'acme.com', 'jo@acme.com'], ['Beta', 'beta.io', 'al@beta.io']), 1],
    ['domains when no column holds emails', rows(['x', 'acme.com'], ['y', 'beta.io']), 1],
    ['none', rows(['x', 'y'], ['z', 'w']), -1],
  ])('%s', (_, sample, expected) => expect(pickTargetColumn(sample)).toBe(expected));
});

describe('workbooks', () => {
  const zipWith = (name: string) => Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(26), Buffer.from(name, 'latin1')]);
  it.each([
    ['an .xlsx (Excel writes [Content_Types].xml first)', zipWith('[Content_Types].xml'), 'xlsx'],
    ['an .xlsx of another writer', zipWith('xl/workbook.xml'), 'xlsx'],
    ['an .xls (OLE2)', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), 'xls'],
    ['a .numbers', zipWith('Index/Document.iwa'), 'numbers'],
    ['an .ods', zipWith('mimetypeapplication/vnd.oasis.opendocument.spreadsheet'), 'ods'],
    ['another ZIP', zipWith('leads.csv'), 'zip'],
    ['CSV text', Buffer.from('Company,Website\n'), null],
  ])('%s is told by its bytes', (_name, head, kind) => expect(workbookKind(head)).toBe(kind));

  it.each([
    [null, ''],
    ['Acme', 'Acme'],
    [15000.5, '15000.5'],
    [true, 'TRUE'],
    [new Date(Date.UTC(2023, 0, 31)), '2023-01-31'],
    [{ richText: [{ text: 'Bäcker' }, { text: 'ei' }] }, 'Bäckerei'],
    [{ text: 'acme.io', hyperlink: 'https://acme.io' }, 'acme.io'],
    [{ formula: 'A1&"x"', result: 'jo@acme.io' }, 'jo@acme.io'],
    [{ error: '#N/A' }, '#N/A'],
  ])('cell %j reads as %j', (value, text) => expect(cellText(value)).toBe(text));
});
