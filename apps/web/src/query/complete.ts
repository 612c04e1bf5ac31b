/**
 * Suggestions for the query bar: the fields of a scope (with the dataset's metadata keys, labels
 * and slices filled in), keywords, and the known values of a field after `=` or `IN [`.
 */
import { ANNOTATION_TYPES, type Scope } from "@nucleus/query";

/** What a dataset offers to complete with: from its metadata schema, facets and slices. */
export interface Vocabulary {
  metadata: readonly { key: string; type: string; values?: readonly (string | boolean)[] }[];
  /** Ground-truth labels. */
  labels: readonly string[];
  /** Prediction labels (of any run). */
  predictionLabels: readonly string[];
  slices: readonly string[];
  tags: readonly string[];
}

/** One suggestion: the text that replaces the word being typed, and what it is. */
export interface Suggestion {
  insert: string;
  detail: string;
}

/** Suggestions and the stretch of text they replace (0-based, end exclusive). */
export interface Completion {
  from: number;
  to: number;
  options: Suggestion[];
}

const KEYWORDS = ["AND", "OR", "NOT", "IN", "CONTAINS", "EXISTS", "LIKE"];
const RESERVED = new Set([
  "count",
  "and",
  "or",
  "not",
  "in",
  "contains",
  "exists",
  "like",
  "true",
  "false",
  "null",
]);
const MAX = 12;

/** A name as a field segment: bare when it can be, else double-quoted. */
export function segment(name: string): string {
  return /^[A-Za-z_]\w*$/.test(name) && !RESERVED.has(name.toLowerCase()) ? name : JSON.stringify(name);
}

/** A value as a literal of the language. */
export function literal(value: string | boolean | number): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** Every field a scope offers, written out for this dataset. */
export function fieldsOf(scope: Scope, vocab: Vocabulary): Suggestion[] {
  const metadata = vocab.metadata.map((m) => ({
    insert: `metadata.${m.key.split(".").map(segment).join(".")}`,
    detail: `metadata · ${m.type}`,
  }));
  if (scope === "object") {
    const columns: [string, string][] = [
      ["label", "object label"],
      ["confidence", "prediction confidence"],
      ["iou", "IoU of the match"],
      ["match_type", "TP, FP or FN"],
      ["area", "box area"],
      ["width", "box width"],
      ["height", "box height"],
      ["x", "box left"],
      ["y", "box top"],
      ["type", "annotation type"],
      ["gt_label", "matched ground-truth label"],
      ["pred_label", "matched prediction label"],
      ["annotation_id", "object id"],
      ["item.reference_id", "its item"],
    ];
    return [
      ...columns.map(([insert, detail]) => ({ insert, detail })),
      ...metadata.map((m) => ({ insert: `item.${m.insert}`, detail: m.detail })),
    ];
  }
  const counts = (source: "annotations" | "predictions", labels: readonly string[]) => [
    { insert: `${source}.count`, detail: `${source} on the item` },
    ...labels.map((label) => ({ insert: `${source}.${segment(label)}`, detail: `${label} ${source}` })),
    ...ANNOTATION_TYPES.map((type) => ({ insert: `${source}.${type}.count`, detail: `${type} ${source}` })),
  ];
  return [
    ...metadata,
    ...counts("annotations", vocab.labels),
    ...counts("predictions", vocab.predictionLabels),
    { insert: "tags", detail: "item tags (tags CONTAINS …)" },
    { insert: "review.status", detail: "accepted, rejected or needs_fix" },
    ...vocab.slices.map((name) => ({ insert: `slice.${segment(name)}`, detail: "in the slice (= true)" })),
    { insert: "item.reference_id", detail: "item" },
    { insert: "item.width", detail: "item · number" },
    { insert: "item.height", detail: "item · number" },
    { insert: "embedding.uniqueness", detail: "how isolated its vector is, 0 to 1" },
    { insert: "embedding.representativeness", detail: "how typical its vector is, 0 to 1" },
  ];
}

/** The known values of a field, as literals. */
function valuesOf(field: string, scope: Scope, vocab: Vocabulary): Suggestion[] {
  const plain = field.replace(/^item\.(?=metadata\.)/, "").replace(/"/g, "");
  if (plain.startsWith("metadata.")) {
    const entry = vocab.metadata.find((m) => m.key === plain.slice("metadata.".length));
    return (entry?.values ?? []).map((v) => ({ insert: literal(v), detail: "value" }));
  }
  if (plain === "review.status")
    return ["accepted", "rejected", "needs_fix"].map((v) => ({ insert: literal(v), detail: "status" }));
  if (plain === "tags") return vocab.tags.map((t) => ({ insert: literal(t), detail: "tag" }));
  if (plain === "match_type") return ["TP", "FP", "FN"].map((v) => ({ insert: literal(v), detail: "match" }));
  if (scope === "object" && ["label", "gt_label", "pred_label"].includes(plain))
    return [...new Set([...vocab.labels, ...vocab.predictionLabels])].map((l) => ({
      insert: literal(l),
      detail: "label",
    }));
  return [];
}

// A field, an operator that takes a value, and the value typed so far (maybe an open quote).
const VALUE_CONTEXT =
  /((?:item\.)?metadata\.[\w."]+|review\.status|tags|match_type|label|gt_label|pred_label)\s*(?:==?|!=|contains|in\s*\[(?:[^\]]*,)?)\s*((?:"|')?[^"',\]\s]*)$/i;
// The field (or keyword) being typed: dotted segments, the last one maybe an open quote.
const WORD = /[A-Za-z_][\w]*(?:\.(?:\w*|"[^"]*"?))*$|(?<![\w."])$/;

/**
 * What can be typed at `caret`: a value of the field before an operator, or a field or keyword
 * that starts with the word under the caret. No options when nothing fits.
 *
 * @example
 * ```ts
 * complete("metadata.we", 11, vocab, "item").options[0]?.insert; // "metadata.weather"
 * ```
 */
export function complete(text: string, caret: number, vocab: Vocabulary, scope: Scope): Completion {
  const before = text.slice(0, caret);
  const value = VALUE_CONTEXT.exec(before);
  if (value) {
    const typed = value[2] ?? "";
    const bare = typed.replace(/^["']/, "").toLowerCase();
    const options = valuesOf(value[1] as string, scope, vocab)
      .filter((o) => o.insert.replace(/^"/, "").toLowerCase().startsWith(bare))
      .slice(0, MAX);
    return { from: caret - typed.length, to: caret, options };
  }
  const word = (WORD.exec(before)?.[0] ?? "") as string;
  const from = caret - word.length;
  // After a field or a value the next thing is an operator or a keyword, not another field.
  const previous = before.slice(0, from).trimEnd();
  const afterOperand = /(?:[\w"')\]])$/.test(previous) && !/\b(?:and|or|not)$/i.test(previous);
  const lower = word.toLowerCase();
  const keywords = KEYWORDS.filter((k) => lower.length > 0 && k.toLowerCase().startsWith(lower)).map((k) => ({
    insert: k,
    detail: "keyword",
  }));
  if (afterOperand) return { from, to: caret, options: keywords };
  const fields = fieldsOf(scope, vocab);
  const bare = (f: Suggestion) => f.insert.replace(/"/g, "").toLowerCase();
  const typed = lower.replace(/"/g, "");
  const starts = fields.filter((f) => bare(f).startsWith(typed));
  // A word with no dot also finds fields by their last segment (`foggy` finds a slice, `car` a label).
  const inside =
    lower.length > 1 && !lower.includes(".")
      ? fields.filter((f) => !starts.includes(f) && bare(f).includes(`.${typed}`))
      : [];
  const options = [...starts, ...inside, ...keywords].filter((o) => o.insert !== word).slice(0, MAX);
  return { from, to: caret, options };
}
