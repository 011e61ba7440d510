import { describe, expect, it } from 'vitest';
import { DomainList, readProviderList } from '../../src/domain/mail-providers.js';

describe('the mail-provider list', () => {
  const listed = JSON.parse(readProviderList()) as string[];
  const asText = new DomainList(readProviderList, Number.POSITIVE_INFINITY);
  const asSet = new DomainList(readProviderList, 0);

  it('holds no escaped string, so the text search sees every entry as written', () => {
    expect(readProviderList()).not.toContain('\\');
  });

  it('the text search and the set agree on every listed domain', () => {
    for (const domain of listed) {
      expect(asText.has(domain)).toBe(true);
      expect(asSet.has(domain)).toBe(true);
    }
  });

  it.each([
    ['a part of an entry', 'ail.ru'],
    ['an entry with a prefix', 'xmail.ru'],
    ['two entries joined', 'mail.ru","bk.ru'],
    ['a quote', 'mail.ru"'],
    ['a backslash', 'mail\\.ru'],
    ['a company', 'buildright.com.au'],
    ['empty', ''],
  ])('neither finds %s (%s)', (_, domain) => {
    expect(asText.has(domain)).toBe(false);
    expect(asSet.has(domain)).toBe(false);
  });

  it('switches to a set after its lookups and keeps answering the same', () => {
    const list = new DomainList(readProviderList, 3);
    const answers = ['mail.ru', 'acme.com', 'bk.ru', 'telstra.com', 'acme.com', 'mail.ru'].map((d) => list.has(d));
    expect(answers).toEqual(['mail.ru', 'acme.com', 'bk.ru', 'telstra.com', 'acme.com', 'mail.ru'].map((d) => asSet.has(d)));
  });
});
