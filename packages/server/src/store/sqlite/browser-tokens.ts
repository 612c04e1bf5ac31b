import type { BrowserTokenKind, BrowserTokenRecord, BrowserTokenStore } from "../browser-tokens.js";
import type { SqliteScope } from "./connection.js";

interface TokenRow {
  kind: BrowserTokenKind;
  tenant: string;
  csrf_token: string | null;
  expires_at: number;
}

const record = (row: TokenRow): BrowserTokenRecord => ({
  kind: row.kind,
  tenant: row.tenant,
  csrfToken: row.csrf_token,
  expiresAt: row.expires_at,
});

/** Browser sessions and login links on SQLite, by token hash. */
export class SqliteBrowserTokenStore implements BrowserTokenStore {
  constructor(private readonly scope: SqliteScope) {}

  put(hash: string, value: BrowserTokenRecord): Promise<void> {
    return this.scope.write(() => {
      this.scope
        .sql("INSERT INTO browser_tokens (hash, kind, tenant, csrf_token, expires_at) VALUES (?, ?, ?, ?, ?)")
        .run(hash, value.kind, value.tenant, value.csrfToken, value.expiresAt);
    });
  }

  get(hash: string, kind: BrowserTokenKind, nowMs: number): Promise<BrowserTokenRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(
          "SELECT kind, tenant, csrf_token, expires_at FROM browser_tokens WHERE hash = ? AND kind = ? AND expires_at > ?",
        )
        .get(hash, kind, nowMs) as TokenRow | undefined;
      return row && record(row);
    });
  }

  take(hash: string, kind: BrowserTokenKind, nowMs: number): Promise<BrowserTokenRecord | undefined> {
    return this.scope.write(() => {
      const row = this.scope
        .sql(
          "DELETE FROM browser_tokens WHERE hash = ? AND kind = ? RETURNING kind, tenant, csrf_token, expires_at",
        )
        .get(hash, kind) as TokenRow | undefined;
      return row && row.expires_at > nowMs ? record(row) : undefined;
    });
  }

  delete(hash: string): Promise<boolean> {
    return this.scope.write(
      () => this.scope.sql("DELETE FROM browser_tokens WHERE hash = ?").run(hash).changes > 0,
    );
  }

  purge(nowMs: number): Promise<number> {
    return this.scope.write(
      () => this.scope.sql("DELETE FROM browser_tokens WHERE expires_at <= ?").run(nowMs).changes,
    );
  }
}
