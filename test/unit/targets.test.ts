import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { coveringDomains, mailboxAddress, normalizeTarget, parseTarget } from '../../src/domain/targets.js';

// [input, kind, normalized value, registrable domain, free-mail]
const valid: Array<[string, 'domain' | 'email', string, string, boolean]> = [
  ['bigcorp.com', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['BigCorp.COM', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['  bigcorp.com  ', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['www.bigcorp.com', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['WWW.BigCorp.com.', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['bigcorp.com.', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['www.www.bigcorp.com', 'domain', 'www.bigcorp.com', 'bigcorp.com', false],
  ['www.com', 'domain', 'www.com', 'www.com', true], // www.com is a mail provider too
  ['www.co.uk', 'domain', 'www.co.uk', 'www.co.uk', false],
  ['shop.bigcorp.com', 'domain', 'shop.bigcorp.com', 'bigcorp.com', false],
  ['a.b.c.bigcorp.com', 'domain', 'a.b.c.bigcorp.com', 'bigcorp.com', false],
  ['https://bigcorp.com', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['http://www.bigcorp.com/about?x=1#top', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['HTTPS://Shop.BigCorp.com:8443/path', 'domain', 'shop.bigcorp.com', 'bigcorp.com', false],
  ['bigcorp.com/contact', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['bigcorp.com:8080', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['www.bigcorp.com?utm_source=x', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  ['https://user@bigcorp.com/x', 'domain', 'bigcorp.com', 'bigcorp.com', false],
  // Internationalized local parts (RFC 6531), in NFC: a decomposed ö is the same mailbox.
  ['Jörg.Weber@web.de', 'email', 'jörg.weber@web.de', 'web.de', true],
  ['Jo\u0308rg.Weber@web.de', 'email', 'jörg.weber@web.de', 'web.de', true],
  ['анна@пример.рф', 'email', 'анна@xn--e1afmkfd.xn--p1ai', 'xn--e1afmkfd.xn--p1ai', false],
  // One mailbox whatever its case or width: Greek final sigma, Turkish İ, full-width letters.
  ['ΝΙΚΟΣ.ΠΑΠΑΣ@ote.gr', 'email', 'νικοσ.παπασ@ote.gr', 'ote.gr', false],
  ['Νικος.Παπας@ote.gr', 'email', 'νικοσ.παπασ@ote.gr', 'ote.gr', false],
  ['İPEK.YILMAZ@gmail.com', 'email', 'ipekyilmaz@gmail.com', 'gmail.com', true],
  ['ｊｏｅ@gmail.com', 'email', 'joe@gmail.com', 'gmail.com', true],
  ['\u0130\u0301ngrida@example.lt', 'email', '\u00edngrida@example.lt', 'example.lt', false],
  ['i\u0307\u0301ngrida@example.lt', 'email', '\u00edngrida@example.lt', 'example.lt', false],
  ['I\u0323\u0307va@example.vn', 'email', '\u1ecbva@example.vn', 'example.vn', false],
  ['buildright.com.au', 'domain', 'buildright.com.au', 'buildright.com.au', false],
  ['www.buildright.com.au', 'domain', 'buildright.com.au', 'buildright.com.au', false],
  ['eu.buildright.com.au', 'domain', 'eu.buildright.com.au', 'buildright.com.au', false],
  ['acme.co.uk', 'domain', 'acme.co.uk', 'acme.co.uk', false],
  ['shop.acme.co.uk', 'domain', 'shop.acme.co.uk', 'acme.co.uk', false],
  ['acme.github.io', 'domain', 'acme.github.io', 'acme.github.io', false],
  ['docs.acme.github.io', 'domain', 'docs.acme.github.io', 'acme.github.io', false],
  ['acme.herokuapp.com', 'domain', 'acme.herokuapp.com', 'acme.herokuapp.com', false],
  ['acme.myshopify.com', 'domain', 'acme.myshopify.com', 'acme.myshopify.com', false],
  ['münchen.de', 'domain', 'xn--mnchen-3ya.de', 'xn--mnchen-3ya.de', false],
  ['https://www.MÜNCHEN.de/', 'domain', 'xn--mnchen-3ya.de', 'xn--mnchen-3ya.de', false],
  ['xn--mnchen-3ya.de', 'domain', 'xn--mnchen-3ya.de', 'xn--mnchen-3ya.de', false],
  ['例え.jp', 'domain', 'xn--r8jz45g.jp', 'xn--r8jz45g.jp', false],
  ['my-company.io', 'domain', 'my-company.io', 'my-company.io', false],
  ['123.com', 'domain', '123.com', '123.com', true],
  ['123abc.com', 'domain', '123abc.com', '123abc.com', false],
  ['www.github.io', 'domain', 'www.github.io', 'www.github.io', false],
  ['gmail.com', 'domain', 'gmail.com', 'gmail.com', true],
  ['outlook.com', 'domain', 'outlook.com', 'outlook.com', true],
  ['yahoo.co.uk', 'domain', 'yahoo.co.uk', 'yahoo.co.uk', true],
  ['sarah@buildright.com.au', 'email', 'sarah@buildright.com.au', 'buildright.com.au', false],
  ['Sarah@BuildRight.com.au', 'email', 'sarah@buildright.com.au', 'buildright.com.au', false],
  ['sarah+crm@buildright.com.au', 'email', 'sarah@buildright.com.au', 'buildright.com.au', false],
  ['sarah.chen@buildright.com.au', 'email', 'sarah.chen@buildright.com.au', 'buildright.com.au', false],
  ['sarah@eu.bigcorp.com', 'email', 'sarah@eu.bigcorp.com', 'bigcorp.com', false],
  ['sarah@www.bigcorp.com', 'email', 'sarah@bigcorp.com', 'bigcorp.com', false],
  ['mailto:sarah@bigcorp.com', 'email', 'sarah@bigcorp.com', 'bigcorp.com', false],
  // A mailbox with its display name, as mail clients and CRMs export it.
  ['Sarah Lee <Sarah@BigCorp.com>', 'email', 'sarah@bigcorp.com', 'bigcorp.com', false],
  ['"Lee, Sarah" <sarah+crm@eu.bigcorp.com>', 'email', 'sarah@eu.bigcorp.com', 'bigcorp.com', false],
  ['<sarah@bigcorp.com>', 'email', 'sarah@bigcorp.com', 'bigcorp.com', false],
  ['j.o.h.n@gmail.com', 'email', 'john@gmail.com', 'gmail.com', true],
  ['John.Smith+news@Gmail.com', 'email', 'johnsmith@gmail.com', 'gmail.com', true],
  ['john.smith@googlemail.com', 'email', 'johnsmith@gmail.com', 'gmail.com', true],
  ['john.smith@outlook.com', 'email', 'john.smith@outlook.com', 'outlook.com', true],
  ['jane+x@yahoo.com.au', 'email', 'jane@yahoo.com.au', 'yahoo.com.au', true],
  ['jane@icloud.com', 'email', 'jane@icloud.com', 'icloud.com', true],
  ['o\'brien@acme.ie', 'email', 'o\'brien@acme.ie', 'acme.ie', false],
  ['user@münchen.de', 'email', 'user@xn--mnchen-3ya.de', 'xn--mnchen-3ya.de', false],
  ['ops@acme.github.io', 'email', 'ops@acme.github.io', 'acme.github.io', false],
];

// [input, fragment of the reason]
const invalid: Array<[string, string]> = [
  ['', 'empty'],
  ['   ', 'empty'],
  ['localhost', 'localhost'],
  ['http://localhost:3000', 'localhost'],
  ['api.localhost', 'localhost'],
  ['127.0.0.1', 'IP'],
  ['http://10.0.0.1/admin', 'IP'],
  ['[::1]', 'IP'],
  ['http://[2001:db8::1]/', 'IP'],
  // IDNA allows letters, marks, digits and hyphens in a label: a symbol is a misread byte
  // (Mac Roman ø read as Windows-1252 ¿), never a company's domain (issue 23 adversary).
  ['a©b.com', 'not a letter, digit or hyphen'],
  ['bj¿rn.no', 'not a letter, digit or hyphen'],
  ['a§b.com', 'not a letter, digit or hyphen'],
  ['a–b.com', 'not a letter, digit or hyphen'],
  ['https://caf®.fr/', 'not a letter, digit or hyphen'],
  ['jo@bj¿rn.no', 'not a letter, digit or hyphen'],
  // Superscripts, fractions, circled digits and ordinals fold to ASCII (³ → 3): a Polish ł or ą
  // read as Windows-1252, never typed into a domain (IDNA2008 disallows them).
  ['³ódÿ-meble.pl', 'no letter of a domain'],
  ['biuro@zab¹bki.pl', 'no letter of a domain'],
  ['ªbc.de', 'no letter of a domain'],
  ['①.com', 'no letter of a domain'],
  ['https://x³y.com/', 'no letter of a domain'],
  ['x³y.com/path', 'no letter of a domain'],
  ['https://gro%EF%AC%82handel.de/', 'no letter of a domain'],
  ['http://ex%C2%B3ample.com', 'no letter of a domain'],
  ['groﬂhandel.de', 'no letter of a domain'],
  ['a™.com', 'no letter of a domain'],
  ['ⓐcme.com', 'no letter of a domain'],
  ['ᵃbc.com', 'no letter of a domain'],
  ['a㎝.com', 'no letter of a domain'],
  ['com', 'public suffix'],
  ['com.au', 'public suffix'],
  ['co.uk', 'public suffix'],
  ['github.io', 'public suffix'],
  ['herokuapp.com', 'public suffix'],
  ['bigcorp.invalidtld', 'unknown public suffix'],
  ['bigcorp', 'unknown public suffix'],
  ['big corp.com', 'spaces'],
  ['bigcorp.com\u0000', 'control'],
  // A byte the decoder could not read: without it the mailbox would be another one.
  ['m\uFFFDller@bigcorp.de', 'not valid UTF-8'],
  ['m\uFFFDnchen-bau.de', 'not valid UTF-8'],
  ['a..b.com', 'not a valid domain'],
  ['xn--bcher-kva0.co', 'not a valid domain'], // punycode that does not decode (found by the property below)
  ['http://xn--bcher-kva0.co/a', 'not a valid domain'],
  ['ops@xn--bcher-kva0.co', 'not a valid domain'],
  ['-bigcorp.com', 'not a valid domain'],
  ['bigcorp-.com', 'not a valid domain'],
  ['big_corp.com', 'not a valid domain'],
  ['bigcorp.com;drop table clients', 'spaces'],
  ['bigcorp.com;--', 'not a valid'],
  ["' or 1=1 --", 'spaces'],
  ['@bigcorp.com', 'not a valid email'],
  ['sarah@', 'no domain'],
  ['sarah@@bigcorp.com', 'not a valid email'],
  ['sa rah@bigcorp.com', 'spaces'],
  ['sarah@localhost', 'localhost'],
  ['sarah@127.0.0.1', 'IP'],
  ['sarah@com.au', 'public suffix'],
  ['.sarah@bigcorp.com', 'not a valid email'],
  ['sarah..chen@bigcorp.com', 'not a valid email'],
  ['<script>@x.com', 'not a valid email'],
  ['jo³rg@web.de', 'no letter of an address'],
  ['Sarah <bigcorp.com>', 'spaces'],
  ['Sarah <sarah@big corp.com>', 'spaces'],
  ['Sa\u001brah <sarah@bigcorp.com>', 'control'],
  ['<a@b.com> <c@d.com>', 'spaces'],
  ['http://', 'not a valid'],
  // An email is local@domain with nothing after the domain.
  ['bob@partner.com/x', 'not a valid domain'],
  ['bob@partner.com?x=1', 'not a valid domain'],
  ['x'.repeat(64) + '.com', 'not a valid domain'],
  ['a'.repeat(3000) + '.com', 'too long'],
];

// Without a scheme, a `/`, `?` or `#` before any `@` makes a URL: its host is the target (SPEC §2).
describe('URL or email: whichever comes first', () => {
  it.each([
    ['buildright.com.au/?ref=bob@partner.com', 'domain', 'buildright.com.au'],
    ['buildright.com.au/contact@gmail.com', 'domain', 'buildright.com.au'],
    ['buildright.com.au#bob@partner.com', 'domain', 'buildright.com.au'],
    ['www.buildright.com.au?mail=a@b.com', 'domain', 'buildright.com.au'],
    ['https://acme.com/?ref=bob@partner.com', 'domain', 'acme.com'],
    ['bob@partner.com', 'email', 'bob@partner.com'],
  ])('%j is a %s: %s', (input, kind, value) => {
    expect(normalizeTarget(input)).toMatchObject({ kind, value });
  });
});

// [input, freeMail (a mailbox provider of either tier), webmail (never a company)]
describe('mail provider tiers', () => {
  it.each([
    ['gmail.com', true, true],
    ['jane@googlemail.com', true, true],
    ['yahoo.co.uk', true, true],
    ['yahoo.co.nz', true, true],
    ['hotmail.fr', true, true],
    ['outlook.com', true, true],
    ['gmx.de', true, true],
    ['mail.ru', true, true],
    ['qq.com', true, true],
    ['icloud.com', true, true],
    ['me.com', true, true],
    ['proton.me', true, true],
    ['jane@yandex.ru', true, true],
    ['telstra.com', true, false],
    ['https://www.telstra.com/', true, false],
    ['jane@bigpond.com', true, false],
    ['sky.com', true, false],
    ['bt.com', true, false],
    ['orange.fr', true, false],
    ['web.de', true, false],
    ['zoho.com', true, false],
    ['bigcorp.com', false, false],
    ['jane@bigcorp.com', false, false],
  ])('%s: provider %s, webmail %s', (input, freeMail, webmail) => {
    expect(normalizeTarget(input)).toMatchObject({ freeMail, webmail });
  });
});

describe('platform pages', () => {
  it.each([
    ['linkedin.com/company/acme', true],
    ['https://www.linkedin.com/in/jane-doe', true],
    ['http://www.facebook.com/joesplumbing', true],
    ['facebook.com/profile.php?id=123', true],
    ['bit.ly/3xYz', true],
    ['linktr.ee/acme', true],
    ['google.com/maps/place/Acme', true],
    ['https://twitter.com/acme', true],
    ['x.com/acme', true],
    ['linkedin.com', false],
    ['https://www.facebook.com/', false],
    ['acme.com/about', false],
    ['jane@linkedin.com', false],
  ])('%s is a platform page: %s', (input, page) => {
    expect(normalizeTarget(input).platformPage).toBe(page);
  });
});

describe('mailboxAddress', () => {
  it.each([
    ['Sarah Lee <sarah@acme.com>', 'sarah@acme.com'],
    ['  <Sarah@Acme.com>  ', 'Sarah@Acme.com'],
    ['sarah@acme.com', 'sarah@acme.com'],
    ['Sarah <acme.com>', 'Sarah <acme.com>'],
    ['Sa\u001brah <s@acme.com>', 'Sa\u001brah <s@acme.com>'],
  ])('%j → %j', (input, expected) => expect(mailboxAddress(input)).toBe(expected));
});

describe('normalizeTarget: valid inputs', () => {
  it.each(valid)('%j → %s %s', (input, kind, value, registrable, freeMail) => {
    const target = normalizeTarget(input);
    expect(target).toMatchObject({ kind, value, registrableDomain: registrable, freeMail, input });
  });
});

describe('normalizeTarget: invalid inputs', () => {
  it.each(invalid)('%j is rejected (%s)', (input, reason) => {
    const result = parseTarget(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(reason);
    expect(() => normalizeTarget(input)).toThrow(/invalid target/);
  });
});

describe('coveringDomains', () => {
  const cases: Array<[string, string[]]> = [
    ['bigcorp.com', ['bigcorp.com']],
    ['shop.bigcorp.com', ['shop.bigcorp.com', 'bigcorp.com']],
    ['a.b.bigcorp.co.uk', ['a.b.bigcorp.co.uk', 'b.bigcorp.co.uk', 'bigcorp.co.uk']],
    ['sarah@eu.bigcorp.com', ['eu.bigcorp.com', 'bigcorp.com']],
    ['docs.acme.github.io', ['docs.acme.github.io', 'acme.github.io']],
    ['sarah@gmail.com', []],
    ['sarah@mail.yahoo.com', []],
    // A provider that is also a company: its own domain entry covers its mailboxes (SPEC §2).
    ['jane@telstra.com', ['telstra.com']],
    ['jane@sky.com', ['sky.com']],
    ['gmail.com', ['gmail.com']],
  ];
  it.each(cases)('%s is covered by domain entries %j', (input, expected) => {
    expect(coveringDomains(normalizeTarget(input))).toEqual(expected);
  });
});

// parseTarget reads the host of plain http(s) URLs without new URL(): on any URL-ish input it
// must agree with the WHATWG parser's hostname run through the same normalization.
describe('URL hosts agree with the WHATWG parser', () => {
  const piece = fc.constantFrom('a', 'acme', 'co', 'uk', 'com', '0', '12', '0x7f', 'xn--bcher-kva', 'xn--', '-', '.', '..', '/', ':', ':80', '?', '#', '@', '\\', '%41', 'WWW', 'ü', '[', ']');
  const url = fc.tuple(fc.constantFrom('http://', 'https://', 'HTTPS://', 'ftp://', ''), fc.array(piece, { minLength: 1, maxLength: 8 })).map(([s, p]) => s + p.join(''));
  it('same verdict and value as host-of-new-URL', () => {
    fc.assert(
      fc.property(url, (input) => {
        const text = input.toLowerCase();
        let viaUrl: string | null;
        try {
          viaUrl = new URL(/^[a-z][a-z0-9+.-]*:\/\//.test(text) ? text : `http://${text}`).hostname;
        } catch {
          viaUrl = null;
        }
        const direct = parseTarget(input);
        const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//.test(text);
        const at = text.indexOf('@');
        const pathAt = text.search(/[/?#]/);
        const readAsEmail = !hasScheme && at >= 0 && (pathAt < 0 || pathAt > at);
        if (!/[/:?#]/.test(text) || readAsEmail) return; // not read as a URL
        const oracle = viaUrl ? parseTarget(viaUrl) : null;
        expect(direct.ok).toBe(oracle?.ok ?? false);
        if (direct.ok && oracle?.ok) expect(direct.target.value).toBe(oracle.target.value);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('a library caller passing a non-string target', () => {
  // The library is called from JavaScript too: null or a number once threw a TypeError ("input.trim
  // is not a function") out of isSuppressed, getScoreBoost and show.
  it.each([null, undefined, 42, {}, ['a.com']])('%j is an invalid target, not a crash', (value) => {
    expect(parseTarget(value as unknown as string)).toMatchObject({ ok: false, error: expect.stringContaining('not a string') });
    expect(() => normalizeTarget(value as unknown as string)).toThrow(expect.objectContaining({ code: 'input' }) as never);
  });
});

describe('a placeholder is no target, and the message says so', () => {
  it.each(['N/A', 'n/a', 'none', '-', '-None-', 'TBC', 'tbd', 'No website'])('%j', (input) => {
    const p = parseTarget(input);
    expect(p.ok).toBe(false);
    if (!p.ok) {
      expect(p.error).toContain('placeholder for no value');
      expect(p.error).not.toContain('public suffix');
    }
  });
});
