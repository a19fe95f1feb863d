import { useEffect, useState } from 'react';
import { api } from '../api';

let cache: Promise<Map<string, string>> | null = null;

/** Customer ids to names, fetched once per page load: lists name the customer, not its id. */
export function useCustomerNames(): Map<string, string> {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    cache ??= api.inventory.customers(undefined, 1000).then(
      (list) => new Map(list.map((c) => [c.id, c.name])),
      () => new Map(),
    );
    let live = true;
    cache.then((m) => live && setNames(m));
    return () => {
      live = false;
    };
  }, []);
  return names;
}
