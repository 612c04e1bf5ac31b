/**
 * SQL text with its bound values. Placeholders are markers until the whole statement is put
 * together, then numbered in text order: SQLite binds `?` by position, PostgreSQL `$n` by
 * number, and fragments may be assembled in any order.
 */
import type { SqlDialect } from "./dialect.js";

const MARK = "\u0001";

/** Bound values of a statement under construction; {@link Bindings.add} returns a marker. */
export class Bindings {
  private readonly values: unknown[] = [];

  /** A placeholder for `value`, to put in SQL text. */
  add(value: unknown): string {
    this.values.push(value);
    return `${MARK}${this.values.length - 1}${MARK}`;
  }

  /**
   * The statement for `dialect`: markers replaced in text order by the dialect's placeholders,
   * with the values in that order.
   *
   * @example
   * ```ts
   * import { SQLITE } from "./dialect.js";
   *
   * const b = new Bindings();
   * const text = `SELECT * FROM items WHERE dataset_id = ${b.add("ds_1")}`;
   * b.render(text, SQLITE); // { text: "SELECT * FROM items WHERE dataset_id = ?", values: ["ds_1"] }
   * ```
   */
  render(text: string, dialect: SqlDialect): { text: string; values: unknown[] } {
    const values: unknown[] = [];
    const rendered = text.replace(new RegExp(`${MARK}(\\d+)${MARK}`, "g"), (_, index: string) => {
      values.push(this.values[Number(index)]);
      return dialect.param(values.length);
    });
    return { text: rendered, values };
  }
}

/** A number as a SQL literal; only finite numbers reach here (the parser reads JSON numbers). */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  // Exponents and decimals are valid SQL numbers in both dialects; a bare integer stays one.
  return Number.isInteger(value) && Math.abs(value) < 2 ** 53 ? String(value) : `${value}`;
}
