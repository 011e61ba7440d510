// The input policy of `check` (SPEC §6 "Fail closed on input"), pure: bytes in, through the
// decoder, the CSV reader and the lead policy, to one answer per row against a fixed list
// (buildright.com.au, linkedin.com and boss@acme.io suppressed). The database side of the same
// answers is tested in test/service and test/cli.
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readLeadRows, type LeadRow } from '../../src/csv/target-rows.js';
import { decideLead, headerMeaning, isHeaderRecord, isLeadInvalid, leadTargets } from '../../src/domain/lead-policy.js';
import { coveringDomains, type Target } from '../../src/domain/targets.js';

const SUPPRESSED_DOMAINS = new Set(['buildright.com.au', 'linkedin.com']);
const SUPPRESSED_EMAILS = new Set(['boss@acme.io']);

const answer = (t: Target) => ({
  input: t.input,
  suppressed: SUPPRESSED_EMAILS.has(t.value) || coveringDomains(t).some((d) => SUPPRESSED_DOMAINS.has(d)),
});

interface Run {
  header: string | null;
  rows: string[];
  bytes: Buffer;
}

/** Reads the input in small chunks (to cross every boundary) and answers each row: "L<line> <verdict> <input>". */
async function run(input: string | Buffer, options: { column?: string; chunk?: number; encoding?: string } = {}): Promise<Run> {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input);
  const size = options.chunk ?? 5;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const source = await readLeadRows(Readable.from(chunks), { name: 'leads.csv', column: options.column, keepRaw: true, encoding: options.encoding });
  const leads: LeadRow[] = [];
  for await (const batch of source.rows) leads.push(...batch);
  const rows = leads.map((row) => {
    const lead = leadTargets(row.cells, row.loose);
    const o = decideLead(lead, isLeadInvalid(lead) ? [] : lead.map(answer));
    return `L${row.line} ${'error' in o ? 'invalid' : o.suppressed ? 'suppressed' : 'allowed'} ${o.input}`;
  });
  const out = Buffer.concat([source.preamble, source.header?.raw ?? Buffer.alloc(0), ...leads.map((r) => r.raw ?? Buffer.alloc(0))]);
  return { header: source.header ? source.header.fields.join('|') : null, rows, bytes: out };
}

const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
const cp1252 = (text: string) => iconv.encode(text, 'windows-1252');

const sixtyWithoutWebsite = Array.from({ length: 60 }, (_, i) => `Lead ${i},lead${i}@gmail.com,`).join('\n');
const sixtyRowsL = Array.from({ length: 60 }, (_, i) => `L${i + 2} allowed lead${i}@gmail.com`);

interface Case {
  name: string;
  input: string | Buffer;
  column?: string;
  encoding?: string;
  header: string | null;
  rows: string[];
  /** The leads' bytes are the input's (false where blank lines are no lead and left out). */
  whole?: boolean;
}

const cases: Case[] = [
  // --- plain lists: every non-empty line is a lead; a header only when it is a known header name
  { name: 'list: an invalid first line is a lead, not a header', input: 'https://buildright.com.au/about us\n', header: null, rows: ['L1 invalid https://buildright.com.au/about us'] },
  { name: 'list: two targets on a line is invalid', input: 'foo.com buildright.com.au\n', header: null, rows: ['L1 invalid foo.com buildright.com.au'] },
  { name: 'list: invalid first line then a suppressed one', input: 'not a domain\nbuildright.com.au\n', header: null, rows: ['L1 invalid not a domain', 'L2 suppressed buildright.com.au'] },
  { name: 'list: header "email"', input: 'email\nsarah@buildright.com.au\n', header: 'email', rows: ['L2 suppressed sarah@buildright.com.au'] },
  { name: 'list: header "Website", CRLF', input: 'Website\r\nfoo.com\r\nbuildright.com.au\r\n', header: 'Website', rows: ['L2 allowed foo.com', 'L3 suppressed buildright.com.au'] },
  { name: 'list: header "E-mail Address"', input: 'E-mail Address\njo@foo.com\n', header: 'E-mail Address', rows: ['L2 allowed jo@foo.com'] },
  { name: 'list: header "Company Domain"', input: 'Company Domain\nbuildright.com.au', header: 'Company Domain', rows: ['L2 suppressed buildright.com.au'] },
  { name: 'list: header "url" and "target"', input: 'url\nhttps://www.buildright.com.au/x\n', header: 'url', rows: ['L2 suppressed https://www.buildright.com.au/x'] },
  { name: 'list: "Contacts" is no known header name: an invalid lead', input: 'Contacts\nfoo.com\n', header: null, rows: ['L1 invalid Contacts', 'L2 allowed foo.com'] },
  { name: 'list: a URL with @ in its query is its host', input: 'buildright.com.au/?ref=bob@partner.com\nbuildright.com.au/contact@gmail.com\n', header: null, rows: ['L1 suppressed buildright.com.au/?ref=bob@partner.com', 'L2 suppressed buildright.com.au/contact@gmail.com'] },
  { name: 'list: mailto and a display name', input: 'mailto:sarah@buildright.com.au\nSarah Lee <sarah@buildright.com.au>\n', header: null, rows: ['L1 suppressed mailto:sarah@buildright.com.au', 'L2 suppressed Sarah Lee <sarah@buildright.com.au>'] },
  { name: 'list: a platform page alone is invalid', input: 'foo.com\nhttps://www.linkedin.com/company/buildright\n', header: null, rows: ['L1 allowed foo.com', 'L2 invalid https://www.linkedin.com/company/buildright'] },
  { name: 'list: quoted values', input: '"buildright.com.au"\n"foo.com"\n', header: null, rows: ['L1 suppressed buildright.com.au', 'L2 allowed foo.com'] },
  { name: 'list: blank and whitespace lines are no leads', input: 'foo.com\n\n   \nbuildright.com.au\n', header: null, rows: ['L1 allowed foo.com', 'L4 suppressed buildright.com.au'], whole: false },
  { name: 'list: a later line with a second value has it checked', input: 'foo.com\nbar.com\nfoo.com,buildright.com.au\n', header: null, rows: ['L1 allowed foo.com', 'L2 allowed bar.com', 'L3 suppressed buildright.com.au'] },
  { name: 'list: UTF-8 BOM', input: '\ufeffbuildright.com.au\nfoo.com\n', header: null, rows: ['L1 suppressed buildright.com.au', 'L2 allowed foo.com'] },

  // --- headerless CSV: every column whose cells are targets
  { name: 'headerless CSV: both columns checked (,)', input: 'foo.com,buildright.com.au\n', header: null, rows: ['L1 suppressed buildright.com.au'] },
  { name: 'headerless CSV: both columns checked (;)', input: 'foo.com;buildright.com.au\n', header: null, rows: ['L1 suppressed buildright.com.au'] },
  { name: 'headerless CSV: both columns checked (tab)', input: 'foo.com\tbuildright.com.au\n', header: null, rows: ['L1 suppressed buildright.com.au'] },
  { name: 'headerless CSV: both columns checked (|)', input: 'foo.com|buildright.com.au\n', header: null, rows: ['L1 suppressed buildright.com.au'] },
  { name: 'headerless CSV: name, webmail, website', input: 'Jane,jane@gmail.com,buildright.com.au\n', header: null, rows: ['L1 suppressed buildright.com.au'] },
  { name: 'headerless CSV: quoted cells, CRLF', input: '"Jane, CEO","jane@gmail.com","buildright.com.au"\r\n"Bob","bob@gmail.com","foo.com"\r\n', header: null, rows: ['L1 suppressed buildright.com.au', 'L2 allowed bob@gmail.com'] },
  { name: 'headerless CSV: an unparsable first line is no header', input: 'Jane,buildright.com.au (HQ)\nBob,foo.com\n', header: null, rows: ['L1 invalid buildright.com.au (HQ)', 'L2 allowed foo.com'] },
  { name: 'headerless CSV: a column empty in the sample is still checked further down', input: `${sixtyWithoutWebsite}\nLast,last@gmail.com,buildright.com.au\n`, header: null, rows: [...sixtyRowsL.map((r) => r.replace(/^L(\d+)/, (_, n) => `L${Number(n) - 1}`)), 'L61 suppressed buildright.com.au'] },

  // --- CSV with a header: names decide, whatever the fill rate
  { name: 'header of dotted names (.email and .website are TLDs)', input: 'Name,Contact.Email,Account.Website\nJane,jane@gmail.com,buildright.com.au\n', header: 'Name|Contact.Email|Account.Website', rows: ['L2 suppressed buildright.com.au'] },
  { name: '60 empty websites, then one filled: still checked', input: `Name,Email,Website\n${sixtyWithoutWebsite}\nLast,last@gmail.com,buildright.com.au\n`, header: 'Name|Email|Website', rows: [...sixtyRowsL, 'L62 suppressed buildright.com.au'] },
  { name: 'a website that does not parse makes the row invalid (space in the path)', input: 'Email,Website\nok@foo.com,https://buildright.com.au/about us\n', header: 'Email|Website', rows: ['L2 invalid https://buildright.com.au/about us'] },
  { name: 'a website that does not parse makes the row invalid (a note after it)', input: 'Email,Website\nok@foo.com,buildright.com.au (HQ)\n', header: 'Email|Website', rows: ['L2 invalid buildright.com.au (HQ)'] },
  { name: 'a website URL with @ after its path is the website', input: 'Email,Website\nok@foo.com,buildright.com.au/?ref=bob@partner.com\nok@foo.com,buildright.com.au/contact@gmail.com\n', header: 'Email|Website', rows: ['L2 suppressed buildright.com.au/?ref=bob@partner.com', 'L3 suppressed buildright.com.au/contact@gmail.com'] },
  {
    name: 'Apollo: Person Linkedin Url is no website column (linkedin.com is suppressed here)',
    input: 'First Name,Email,Email Status,Company Name for Emails,Person Linkedin Url,Website,Company Linkedin Url\nJane,jane@acme.io,Verified,Acme,http://www.linkedin.com/in/jane,http://www.acme.io,http://www.linkedin.com/company/acme\nBob,boss@acme.io,Verified,Acme,http://www.linkedin.com/in/bob,http://www.acme.io,\n',
    header: 'First Name|Email|Email Status|Company Name for Emails|Person Linkedin Url|Website|Company Linkedin Url',
    rows: ['L2 allowed jane@acme.io', 'L3 suppressed boss@acme.io'],
  },
  { name: 'a platform page in a website column is no target: the email decides', input: 'Email,Website\njane@foo.io,https://linkedin.com/company/buildright\n', header: 'Email|Website', rows: ['L2 allowed jane@foo.io'] },
  { name: 'a row with only a platform page is invalid', input: 'Name,Website\nJane,https://linkedin.com/company/acme\nBob,foo.com\n', header: 'Name|Website', rows: ['L2 invalid https://linkedin.com/company/acme', 'L3 allowed foo.com'] },
  { name: 'a row with no target at all is invalid; a row of delimiters is no lead', input: 'Name,Email,Website\nJane,,\n,,\nBob,bob@foo.com,\n', header: 'Name|Email|Website', rows: ['L2 invalid ', 'L4 allowed bob@foo.com'], whole: false },
  { name: 'every email column: Email 2 too', input: 'Name,Email,Email 2\nJane,jane@foo.io,sarah@buildright.com.au\nBob,bob@foo.io,\n', header: 'Name|Email|Email 2', rows: ['L2 suppressed sarah@buildright.com.au', 'L3 allowed bob@foo.io'] },
  { name: 'a header without target names: columns by content', input: 'Company,Contact\nBigCorp,sam@buildright.com.au\nOther,x@foo.com\n', header: 'Company|Contact', rows: ['L2 suppressed sam@buildright.com.au', 'L3 allowed x@foo.com'] },
  { name: 'a named header: an unnamed column of domains counts where it holds one', input: 'Email,Company\na@foo.io,buildright.com.au\nb@foo.io,Acme Pty Ltd\n', header: 'Email|Company', rows: ['L2 suppressed buildright.com.au', 'L3 allowed a@foo.io'.replace('a@', 'b@')] },
  { name: 'the email answers first when nothing is suppressed', input: 'Website,Email\nfoo.com,jo@foo.com\n', header: 'Website|Email', rows: ['L2 allowed jo@foo.com'] },
  { name: 'quoted header and cells with delimiters and newlines', input: '"Name","E-mail","Web Site"\r\n"Acme, Inc","jo@acme.io","https://acme.io"\r\n"Multi\r\nline","x@foo.io","buildright.com.au"\r\n', header: 'Name|E-mail|Web Site', rows: ['L2 allowed jo@acme.io', 'L4 suppressed buildright.com.au'] },
  { name: "Excel's sep= line and a BOM", input: '\ufeffsep=;\r\nName;Email;Website\r\nJane;jane@gmail.com;buildright.com.au\r\nBob;bob@gmail.com;foo.com\r\n', header: 'Name|Email|Website', rows: ['L3 suppressed buildright.com.au', 'L4 allowed bob@gmail.com'] },
  { name: 'UTF-16LE with BOM, tab-separated', input: utf16le('Name\tEmail\tWebsite\r\nZoë\tzoe@gmail.com\tbuildright.com.au\r\nJosé\tjose@gmail.com\tfoo.com\r\n'), header: 'Name|Email|Website', rows: ['L2 suppressed buildright.com.au', 'L3 allowed jose@gmail.com'] },
  { name: 'UTF-16BE with BOM', input: utf16be('Name,Email\r\nZoë,zoe@buildright.com.au\r\n'), header: 'Name|Email', rows: ['L2 suppressed zoe@buildright.com.au'] },
  { name: 'Windows-1252, semicolons', input: cp1252('Société;Email;Site web\r\nGénérale;jo@gmail.com;buildright.com.au\r\nCafé “Zoë”;zo@gmail.com;foo.com\r\n'), header: 'Société|Email|Site web', rows: ['L2 suppressed buildright.com.au', 'L3 allowed zo@gmail.com'] },
  { name: 'Windows-1252 bytes the decoder cannot name still come out as they came', input: Buffer.concat([Buffer.from('Name,Email\r\nA'), Buffer.from([0x81, 0x8d, 0xe9]), Buffer.from(',a@foo.com\r\n')]), header: 'Name|Email', rows: ['L2 allowed a@foo.com'] },

  // --- review of issue 13: a whole target anywhere in a row is read
  { name: 'a named header: a whole domain in a column it does not name (Company) is checked next to a webmail address', input: 'Name,Email,Company\nAnn,ann@gmail.com,Acme Pty Ltd\nBob,bob@gmail.com,Bob & Co\nJoe,joe@gmail.com,buildright.com.au\n', header: 'Name|Email|Company', rows: ['L2 allowed ann@gmail.com', 'L3 allowed bob@gmail.com', 'L4 suppressed buildright.com.au'] },
  { name: 'a named header: a column it does not name, empty in the sample, has a whole email checked further down', input: `Name,Email,Secondary\n${sixtyWithoutWebsite}\nLast,last@gmail.com,sarah@buildright.com.au\n`, header: 'Name|Email|Secondary', rows: [...sixtyRowsL, 'L62 suppressed sarah@buildright.com.au'] },
  { name: 'a named header: a ragged row past the sample has its extra cells checked', input: `Name,Email\n${Array.from({ length: 60 }, (_, i) => `Lead ${i},lead${i}@gmail.com`).join('\n')}\nLast,last@gmail.com,buildright.com.au\n`, header: 'Name|Email', rows: [...sixtyRowsL, 'L62 suppressed buildright.com.au'] },
  { name: 'two emails in one email cell, with , ; or |: both are read (a space alone: invalid)', input: 'Name,Email\nA,"a@x.com; sarah@buildright.com.au"\nB,"a@x.com, sarah@buildright.com.au"\nC,a@x.com sarah@buildright.com.au\nD,a@x.com;b@y.com\nE,"a@x.com, not an email"\n', header: 'Name|Email', rows: ['L2 suppressed sarah@buildright.com.au', 'L3 suppressed sarah@buildright.com.au', 'L4 invalid a@x.com sarah@buildright.com.au', 'L5 allowed a@x.com', 'L6 invalid a@x.com, not an email'] },
  {
    name: 'report title lines before the header (Salesforce, HubSpot reports): no leads, kept before the header',
    input: '"Contacts with Accounts"\r\n"Filtered By:"\r\n"First Name","Email","Website"\r\n"Sarah","sarah@gmail.com","www.buildright.com.au"\r\n"Joe","joe@acme.io","acme.io"\r\n',
    header: 'First Name|Email|Website',
    rows: ['L4 suppressed www.buildright.com.au', 'L5 allowed joe@acme.io'],
  },
  { name: 'a title line that holds a target is no title: the first line is data', input: 'buildright.com.au\nName,Email\nJoe,joe@acme.io\n', header: null, rows: ['L1 suppressed buildright.com.au', 'L2 invalid Email', 'L3 allowed joe@acme.io'] },
  { name: 'a row with empty cells is no title line (property-test counterexample: "Jane|" then "Jane|not an email")', input: 'Jane|\nJane|not an email\nBob|bob@foo.io\n', header: null, rows: ['L1 invalid ', 'L2 invalid not an email', 'L3 allowed bob@foo.io'] },
  { name: '--column finds its header under title lines', input: 'Leads export\nName,Email,Website\nJane,jane@gmail.com,buildright.com.au\n', column: 'Email', header: 'Name|Email|Website', rows: ['L3 allowed jane@gmail.com'] },
  { name: 'mixed line endings (a CRLF header on LF rows, as `cat` of two files makes): every row read', input: 'Name,Email\r\nA,a@foo.io\nB,"multi\r\nline"\nC,boss@acme.io\r\nD,d@foo.io\n', header: 'Name|Email', rows: ['L2 allowed a@foo.io', 'L4 invalid multi\r\nline', 'L5 suppressed boss@acme.io', 'L6 allowed d@foo.io'] },
  { name: 'old Mac line endings (CR only)', input: 'Name,Email\rA,a@foo.io\rC,boss@acme.io\r', header: 'Name|Email', rows: ['L2 allowed a@foo.io', 'L3 suppressed boss@acme.io'] },
  { name: 'a target with a trailing separator is that target', input: 'Name,Email\nA,boss@acme.io;\nB,"jo@foo.io, "\n', header: 'Name|Email', rows: ['L2 suppressed boss@acme.io', 'L3 allowed jo@foo.io'] },
  { name: 'an email inside free text of another column is read', input: 'Name,Email,Notes\nA,a@x.com,"cc Sarah <sarah@buildright.com.au>, thanks"\nB,b@x.com,met at expo\n', header: 'Name|Email|Notes', rows: ['L2 suppressed sarah@buildright.com.au', 'L3 allowed b@x.com'] },
  { name: "HubSpot: Additional email addresses is an email column, ';'-separated", input: 'First Name,Email,Additional email addresses\nJo,jo@x.com,jo@y.com;sarah@buildright.com.au\nAl,al@x.com,\n', header: 'First Name|Email|Additional email addresses', rows: ['L2 suppressed sarah@buildright.com.au', 'L3 allowed al@x.com'] },
  { name: 'a row whose email and website columns are empty is invalid, whatever another column holds (unless it is suppressed)', input: 'Name,Email,Logo URL\nA,a@x.com,https://logo.example.com/a.png\nB,,https://logo.example.com/b.png\nC,,https://buildright.com.au/logo.png\n', header: 'Name|Email|Logo URL', rows: ['L2 allowed a@x.com', 'L3 invalid ', 'L4 suppressed https://buildright.com.au/logo.png'] },

  // --- --column: exactly one column
  { name: '--column Email checks that column only', input: 'Name,Email,Website\nJane,jane@gmail.com,buildright.com.au\n', column: 'email', header: 'Name|Email|Website', rows: ['L2 allowed jane@gmail.com'] },
  { name: '--column Website: an empty cell is a row with no target', input: 'Name,Email,Website\nJane,jane@gmail.com,\nBob,bob@gmail.com,buildright.com.au\n', column: 'Website', header: 'Name|Email|Website', rows: ['L2 invalid ', 'L3 suppressed buildright.com.au'] },
];

describe('the input policy of check: one answer per row', () => {
  it.each(cases)('$name', async (c) => {
    for (const chunk of [3, 64 * 1024]) {
      const r = await run(c.input, { column: c.column, encoding: c.encoding, chunk });
      expect(r.header).toBe(c.header);
      expect(r.rows).toEqual(c.rows);
      // What --filter writes for an all-allowed file is the input itself, byte for byte.
      if (c.whole !== false) expect(r.bytes.equals(Buffer.isBuffer(c.input) ? c.input : Buffer.from(c.input))).toBe(true);
    }
  });

  it('--column naming no column is a usage error listing the columns', async () => {
    await expect(run('Name,Email\nJane,jane@foo.com\n', { column: 'Website' })).rejects.toMatchObject({ code: 'usage', hint: expect.stringContaining('Name, Email') });
  });

  it('a CSV where no column holds targets is an input error, not a file of allowed rows', async () => {
    await expect(run('Name,Phone\nJane,555 123\nBob,555 456\n')).rejects.toMatchObject({ code: 'input', message: expect.stringContaining('no column') });
  });
});

describe('header names', () => {
  it.each([
    ['Email', 'email'], ['E-mail', 'email'], ['e_mail', 'email'], ['Email Address', 'email'], ['Work Email', 'email'], ['Email 2', 'email'],
    ['Email (work)', 'email'], ['Contact.Email', 'email'], ['emails', 'email'], ['Website', 'website'], ['Account.Website', 'website'],
    ['Website URL', 'website'], ['Company Website', 'website'], ['Company Domain', 'website'], ['Domain Name', 'website'], ['domain', 'website'],
    ['URL', 'website'], ['Web Site', 'website'], ['Web Address', 'website'], ['Homepage', 'website'], ['target', 'website'],
    ['Person Linkedin Url', 'platform'], ['Company Linkedin Url', 'platform'], ['Facebook Url', 'platform'], ['Twitter', 'platform'],
    ['Additional email addresses', 'email'], ['Email Addresses', 'email'], ['Email Status', null], ['Company Name for Emails', null], ['Primary Email Source', null], ['Email Confidence', null], ['Logo URL', null],
    ['Name', null], ['Company', null], ['Address', null], ['Contacts', null], ['', null],
  ])('%j → %s', (name, meaning) => expect(headerMeaning(name)).toBe(meaning));

  it.each([
    [['Name', 'Contact.Email', 'Account.Website'], false, true],
    [['Company', 'Contact'], false, true],
    [['Jane', 'jane@gmail.com', 'buildright.com.au'], false, false],
    [['foo.com', 'buildright.com.au'], false, false],
    [['Jane', 'buildright.com.au (HQ)'], false, false],
    [['Jane', 'https://buildright.com.au/about us'], false, false],
    [['', ''], false, false],
    [['met at expo', '', ''], false, false], // no known name and empty cells: data
    [['Name', '', 'Email'], false, true],
    [['email'], true, true],
    [['Contact.Email'], true, false], // in a list, a line that is a valid domain is a lead
    [['https://buildright.com.au/about us'], true, false],
    [['Contacts'], true, false],
  ])('%j (list: %s) is a header: %s', (first, list, expected) => expect(isHeaderRecord(first, list)).toBe(expected));
});
