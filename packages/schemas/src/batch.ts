import type { CheckResult } from "./codec.js";
import type { PathPrefix, ValidationIssue } from "./issues.js";

/** What {@link validateBatch} found: the valid entries and every problem of the others. */
export interface BatchValidation<W> {
  /** The entries that passed, parsed, with their index in the input. */
  valid: { index: number; value: W }[];
  /** Every problem of every invalid entry, each naming the entry's index and reference id. */
  issues: ValidationIssue[];
  /** Indices of the entries that failed. */
  invalidIndices: number[];
}

/**
 * Validates each entry of a batch on its own and reports every problem, not just the first:
 * `annotations[3] (reference_id "img_7"): geometry.width must be >= 0, got -2`.
 *
 * @param codec - the codec of one entry (for example `Annotation`)
 * @param entries - wire-form entries
 * @param label - the name of the batch in messages (`annotations`, `items`)
 *
 * @example
 * ```ts
 * import { Annotation, validateBatch } from "@nucleus/schemas";
 *
 * const { issues } = validateBatch(Annotation, [
 *   { type: "box", label: "car", reference_id: "img_7", geometry: { x: 0, y: 0, width: -2, height: 1 } },
 * ], "annotations");
 * issues[0]?.text; // 'annotations[0] (reference_id "img_7"): geometry.width must be >= 0, got -2'
 * ```
 */
export function validateBatch<W>(
  codec: { check(wire: unknown, at?: PathPrefix): CheckResult<W> },
  entries: Iterable<unknown>,
  label: string,
): BatchValidation<W> {
  const valid: { index: number; value: W }[] = [];
  const issues: ValidationIssue[] = [];
  const invalidIndices: number[] = [];
  let index = 0;
  for (const entry of entries) {
    const result = codec.check(entry, [label, index]);
    if (result.ok) valid.push({ index, value: result.value });
    else {
      invalidIndices.push(index);
      issues.push(...result.issues);
    }
    index += 1;
  }
  return { valid, issues, invalidIndices };
}
