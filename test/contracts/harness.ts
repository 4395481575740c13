import type { Store } from '../../server/stores/store.js';

export type OpenStore = () => Promise<Store>;
export type CloseStore = (store: Store) => Promise<void>;
/** Another store on the same database as `store` (a second node); closed by the caller. */
export type OpenSibling = (store: Store) => Promise<Store>;

/**
 * Gives every test of the enclosing describe a fresh store, opened before and closed after it.
 * Returns an accessor because the store exists only once the hook has run.
 */
export function useFreshStore(open: OpenStore, close: CloseStore): () => Store {
  let current: Store | undefined;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(async () => {
    if (current) await close(current);
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('no store open: use the accessor inside a test');
    return current;
  };
}
