import { createHash, createHmac } from "node:crypto";
import type { NucleusStore, Tenant } from "../store/index.js";

/**
 * The tenant of a key, as ids were derived before they were keyed: an unsalted hash, which
 * anyone holding the database could match against likely keys. Kept to move old data over.
 */
export function legacyTenantOf(apiKey: string): Tenant {
  return createHash("sha256").update(`nucleus-tenant:${apiKey}`).digest("hex").slice(0, 32);
}

/**
 * The tenant of a key: an HMAC of the key with the data folder's secret, so the key itself is
 * never stored or logged, and the ids in the database cannot be matched to keys without the
 * secret. Without a secret, the older unkeyed hash.
 *
 * @example
 * ```ts
 * import { tenantOf } from "@nucleus/server";
 *
 * const tenant = tenantOf("my-key", secret); // 32 hex digits
 * ```
 */
export function tenantOf(apiKey: string, secret?: Uint8Array): Tenant {
  if (!secret) return legacyTenantOf(apiKey);
  return createHmac("sha256", secret).update(`nucleus-tenant:${apiKey}`).digest("hex").slice(0, 32);
}

/**
 * The accepted keys and their tenants. On a store that holds data under the older unkeyed ids,
 * {@link TenantKeys.migrate} moves each key's data to its keyed id (a no-op once done), so an
 * existing data folder keeps working; requests wait for it.
 */
export class TenantKeys {
  private readonly tenants: Map<string, Tenant>;
  private migration: Promise<void> = Promise.resolve();

  constructor(
    apiKeys: readonly string[],
    private readonly secret?: Uint8Array,
  ) {
    this.tenants = new Map(apiKeys.map((key) => [key, tenantOf(key, secret)]));
  }

  /** The tenant of an accepted key; undefined for any other. */
  of(key: string): Tenant | undefined {
    return this.tenants.get(key);
  }

  /** Moves data kept under the keys' unkeyed ids to their keyed ids; requests wait for it. */
  migrate(store: NucleusStore, log: (line: string) => void): Promise<void> {
    if (!this.secret) return this.migration;
    this.migration = (async () => {
      for (const [key, tenant] of this.tenants) {
        const moved = await store.rekeyTenant(legacyTenantOf(key), tenant);
        if (moved > 0) log(`Moved ${moved} records of a key to its keyed tenant id`);
      }
    })();
    // A failure is reported on every request (ready() rethrows), not as an unhandled rejection.
    this.migration.catch((error: Error) => log(`tenant migration failed: ${error.message}`));
    return this.migration;
  }

  /** Resolves once the migration (if any) is done. */
  ready(): Promise<void> {
    return this.migration;
  }
}
