import type { ClientAddedView, ClientListing } from '../../services/client-service.js';
import type { Renderer } from '../context.js';

export const renderClientAdded: Renderer<ClientAddedView> = (client, out) => {
  out.line(`${client.created ? 'added' : 'exists'} client ${client.slug} (${client.id})`);
};

export const renderClientList: Renderer<ClientListing[]> = (list, out) => {
  if (list.length === 0) return out.info('no clients yet: add one with `aos clients add SLUG`');
  out.table(
    ['slug', 'name', 'services', 'customers', 'suppressions', 'default expiry', 'id'],
    list.map((cl) => [
      cl.slug,
      cl.name,
      cl.services.join(',') || '-',
      String(cl.customers),
      String(cl.suppressions),
      Object.entries(cl.expiry_defaults).map(([r, p]) => `${r}=${p}`).join(',') || '-',
      cl.id,
    ]),
  );
};
