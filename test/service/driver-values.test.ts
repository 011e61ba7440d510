// Dates, times, intervals and numeric arrays come back as PostgreSQL prints them, through drizzle
// and through the raw query alike, on both engines. On PGlite the instance parses them so itself,
// and drops drizzle's per-statement request for it (src/db/embedded-engine.ts: that request cost ~0.2 ms a
// statement); this pins that the two give the same values.
import { sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { rowsOf } from '../../src/db/database.js';
import { platformBuyerSignals } from '../../src/db/schema.js';
import { describeEachDatabase } from '../helpers/databases.js';

const VALUES = `select '2027-03-31 12:00:00+00'::timestamptz as tz, '2027-03-31 12:00:00'::timestamp as ts, '2027-03-31'::date as d,
  '24 months'::interval as i, array['1.50', '2']::numeric[] as n, array['2027-03-31']::date[] as ds`;

describeEachDatabase('driver values', ({ db }) => {
  it('drizzle and the raw query give the same strings for dates, times, intervals and their arrays', async () => {
    await db().query(`set timezone to 'UTC'`);
    const [raw] = await db().query<Record<string, unknown>>(VALUES);
    const [viaDrizzle] = await db().run((orm) => rowsOf<Record<string, unknown>>(orm, sql.raw(VALUES)));
    expect(viaDrizzle).toEqual({ tz: '2027-03-31 12:00:00+00', ts: '2027-03-31 12:00:00', d: '2027-03-31', i: '2 years', n: '{1.50,2}', ds: '{2027-03-31}' });
    expect(raw).toEqual(viaDrizzle);
  });

  it('the query builder maps a timestamp column to a Date from those strings', async () => {
    const p = platformBuyerSignals;
    await db().run((orm) => orm.insert(p).values({ domain: 'driver-values.test', lastConvertedAt: new Date('2027-03-31T12:00:00Z') }));
    const [row] = await db().run((orm) => orm.select({ at: p.lastConvertedAt }).from(p).where(sql`${p.domain} = 'driver-values.test'`));
    expect(row?.at).toEqual(new Date('2027-03-31T12:00:00Z'));
    await db().run((orm) => orm.delete(p).where(sql`${p.domain} = 'driver-values.test'`));
  });
});
