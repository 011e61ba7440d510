import { describe, expect, it } from 'vitest';
import { mappingOverrides, statusMapOption } from '../../src/cli/import-options.js';

describe('import flags', () => {
  it('--map domain takes several columns in priority order, repeated or joined by |', () => {
    expect(mappingOverrides(['domain=Company Domain Name', 'domain=Website URL', 'company_name=Company name'], undefined)).toEqual({
      domain: ['Company Domain Name', 'Website URL'],
      company_name: 'Company name',
    });
    expect(mappingOverrides(['domain=Company Domain Name|Website URL'], undefined)).toEqual({ domain: ['Company Domain Name', 'Website URL'] });
    expect(mappingOverrides(['domain=', 'industry='], undefined)).toEqual({ domain: '', industry: '' });
  });

  it('--map contact_email takes several columns of addresses, repeated or joined by | (it was refused)', () => {
    expect(mappingOverrides(['contact_email=Work Email|Personal Email', 'contact_email=E-mail 2 - Value'], undefined)).toEqual({
      contact_email: ['Work Email', 'Personal Email', 'E-mail 2 - Value'],
    });
    expect(mappingOverrides(['contact_email='], undefined)).toEqual({ contact_email: '' });
  });

  it.each(['domain', '=Website'])('--map %j is a usage error', (flag) => expect(() => mappingOverrides([flag], undefined)).toThrow(/invalid --map/));

  it('--status-map reads VALUE=status lists, repeatable; a bad item is a usage error', () => {
    expect(statusMapOption(['Other=skip,Vendor=partner', 'Former=churned'])).toEqual({ other: 'skip', vendor: 'partner', former: 'churned' });
    expect(statusMapOption([])).toBeUndefined();
    expect(() => statusMapOption(['Other=maybe'])).toThrow(expect.objectContaining({ code: 'usage' }));
  });
});
