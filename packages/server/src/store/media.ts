import type { Tenant } from "./common.js";

/**
 * Which datasets hold which stored files (item images, uploaded masks): the reference count of
 * each file, by dataset. A tenant may read a file while one of its datasets holds it; a file no
 * dataset holds any more is removed. A dataset's holdings go with it when it is deleted.
 */
export interface MediaRefStore {
  /** Records that a dataset holds these keys; holding a key twice is a no-op. */
  retain(tenant: Tenant, datasetId: string, keys: readonly string[]): Promise<void>;
  /** True when a dataset of the tenant holds the key. */
  held(tenant: Tenant, key: string): Promise<boolean>;
  /** The keys a dataset holds. */
  keysOf(datasetId: string): Promise<string[]>;
  /** Those of `keys` that no dataset of any tenant holds. */
  unheld(keys: readonly string[]): Promise<string[]>;
}
