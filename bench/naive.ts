// The baseline the import is measured against: the same validation, then one INSERT per customer,
// suppression and audit row — what a first, row-at-a-time implementation would do.
import { createReadStream } from 'node:fs';
import postgres from 'postgres';
import { decodeStream } from '../src/csv/decode.js';
import { readCsv } from '../src/csv/records.js';
import { autoMapColumns } from '../src/domain/column-mapping.js';
import { normalizeCustomerRow } from '../src/domain/customer-row.js';
import { makeDateParser, ValueError } from '../src/domain/values.js';

export async function naiveImport(url: string, file: string, clientSlug: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [client] = await sql<{ id: string }[]>`select id from clients where slug = ${clientSlug}`;
    const decoded = await decodeStream(createReadStream(file));
    const csv = await readCsv(decoded.text);
    const parseDate = makeDateParser();
    let mapping: ReturnType<typeof autoMapColumns> | undefined;
    let written = 0;
    await sql.begin(async (tx) => {
      for await (const records of csv.reader.batches()) for (const record of records) {
        if (!mapping) {
          mapping = autoMapColumns(record.fields);
          continue;
        }
        let outcome;
        try {
          outcome = normalizeCustomerRow(record.fields, mapping, { parseDate, defaultStatus: null });
        } catch (e) {
          if (e instanceof ValueError) continue;
          throw e;
        }
        if (outcome.kind !== 'customer') continue;
        const c = outcome.record;
        const [row] = await tx<{ id: string }[]>`
          insert into client_customers (client_id, natural_key, company_name, domain, industry, contact_email, contact_name,
                                        status, customer_since, deal_value, services, source)
          values (${client!.id}, ${c.naturalKey}, ${c.companyName}, ${c.domain}, ${c.industry}, ${c.contactEmail}, ${c.contactName},
                  ${c.status}, ${c.customerSince}, ${c.dealValue}, ${c.services ?? []}::text[], 'csv')
          on conflict (client_id, natural_key) do update set company_name = excluded.company_name
          returning id`;
        const target = c.naturalKey.slice(2);
        const column = c.naturalKey.startsWith('d:') ? 'domain' : 'email';
        if (c.naturalKey.startsWith('n:')) continue;
        const reason = c.status === 'churned' ? 'past_customer' : 'existing_customer';
        await tx.unsafe(
          `insert into suppression_list (client_id, ${column}, reason, source, customer_id) values ($1, $2, $3, 'import', $4)
           on conflict (client_id, ${column}) do nothing`,
          [client!.id, target, reason, row!.id],
        );
        await tx.unsafe(
          `insert into suppression_events (client_id, target, kind, action, reason_after, actor, source) values ($1, $2, $3, 'add', $4, 'naive', 'import')`,
          [client!.id, target, column, reason],
        );
        written++;
      }
    });
    return written;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
