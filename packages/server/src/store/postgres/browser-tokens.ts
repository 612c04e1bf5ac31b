import type { BrowserTokenKind, BrowserTokenRecord, BrowserTokenStore } from "../browser-tokens.js";
import type { PgScope } from "./connection.js";

interface TokenRow {
  kind: BrowserTokenKind;
  tenant: string;
  csrf_token: string | null;
  expires_at: string;
}

const record = (row: TokenRow): BrowserTokenRecord => ({
  kind: row.kind,
  tenant: row.tenant,
  csrfToken: row.csrf_token,
  expiresAt: Number(row.expires_at),
});

/** Browser sessions and login links on PostgreSQL, by token hash. */
export class PgBrowserTokenStore implements BrowserTokenStore {
  constructor(private readonly scope: PgScope) {}

  async put(hash: string, value: BrowserTokenRecord): Promise<void> {
    await this.scope.mutate(
      "INSERT INTO browser_tokens (hash, kind, tenant, csrf_token, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING hash",
      [hash, value.kind, value.tenant, value.csrfToken, value.expiresAt],
    );
  }

  async get(hash: string, kind: BrowserTokenKind, nowMs: number): Promise<BrowserTokenRecord | undefined> {
    const [row] = await this.scope.read((db) =>
      db.query<TokenRow>(
        "SELECT kind, tenant, csrf_token, expires_at FROM browser_tokens WHERE hash = $1 AND kind = $2 AND expires_at > $3",
        [hash, kind, nowMs],
      ),
    );
    return row && record(row);
  }

  async take(hash: string, kind: BrowserTokenKind, nowMs: number): Promise<BrowserTokenRecord | undefined> {
    // A DELETE takes the row's lock: of concurrent takes, one returns it and the others none.
    const [row] = await this.scope.mutate<TokenRow>(
      "DELETE FROM browser_tokens WHERE hash = $1 AND kind = $2 RETURNING kind, tenant, csrf_token, expires_at",
      [hash, kind],
    );
    return row && Number(row.expires_at) > nowMs ? record(row) : undefined;
  }

  async delete(hash: string): Promise<boolean> {
    const rows = await this.scope.mutate("DELETE FROM browser_tokens WHERE hash = $1 RETURNING hash", [hash]);
    return rows.length > 0;
  }

  async purge(nowMs: number): Promise<number> {
    const rows = await this.scope.mutate("DELETE FROM browser_tokens WHERE expires_at <= $1 RETURNING hash", [
      nowMs,
    ]);
    return rows.length;
  }
}
