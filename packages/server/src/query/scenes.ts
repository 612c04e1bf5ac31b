/**
 * The query language on scenes (`queryScenesPage`): the grammar of `@nucleus/query`, with the
 * fields of a scene, `scene.reference_id`, `scene.id`, `scene.type` (`lidar`/`video`),
 * `scene.frame_count` and `scene.metadata.<key>[...]` (`metadata.<key>` for short). Scenes are few
 * per dataset, so a query is checked against the dataset's scenes and evaluated on their records.
 */
import { type Condition, type Expression, type FieldNode, parseQuery, QueryError } from "@nucleus/query";
import type { JsonObject } from "@nucleus/schemas";
import type { SceneRecord } from "../store/index.js";

type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | undefined;
/** Three-valued truth, as in SQL: a comparison with a missing value is unknown (`null`). */
type Truth = boolean | null;

/** Where a field's value comes from. */
type SceneField =
  | { kind: "column"; name: "reference_id" | "id" | "type" | "frame_count" }
  | { kind: "metadata"; path: string[] };

const COLUMNS = new Set(["reference_id", "id", "type", "frame_count"]);
const EXPECTED =
  "a scene field: scene.reference_id, scene.id, scene.type, scene.frame_count or scene.metadata.<key>";

/** A checked scene query: `matches` tells whether a scene is selected. */
export interface SceneQuery {
  matches(scene: SceneRecord): boolean;
}

/** The kind of a value, for checking what a query compares. */
function kindOf(value: Value): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  return typeof value;
}

/**
 * Checks a scene query against a dataset's scenes and returns its predicate; an empty query
 * selects every scene. Throws `QueryError` (a 400) for a query that does not parse, names a
 * field scenes do not have, or compares values of different kinds.
 *
 * @example
 * ```ts
 * const query = sceneQuery('scene.metadata.weather = "rain" AND scene.frame_count >= 2', scenes);
 * const rainy = scenes.filter((scene) => query.matches(scene));
 * ```
 */
export function sceneQuery(text: string | null | undefined, scenes: readonly SceneRecord[]): SceneQuery {
  const tree = text ? parseQuery(text) : undefined;
  if (!tree) return { matches: () => true };
  const source = text as string;
  const fail = (node: { start: number; end: number }, expected: string): never => {
    throw new QueryError(node.start + 1, source.slice(node.start, node.end), expected);
  };

  const resolve = (node: FieldNode): SceneField => {
    const path = node.path[0] === "scene" ? node.path.slice(1) : node.path;
    const [head, ...rest] = path;
    if (head === "metadata" && rest.length > 0) return { kind: "metadata", path: rest };
    if (head !== undefined && rest.length === 0 && node.path[0] === "scene" && COLUMNS.has(head))
      return { kind: "column", name: head as "reference_id" | "id" | "type" | "frame_count" };
    return fail(node, `unknown field: expected ${EXPECTED}`);
  };

  const read = (field: SceneField, scene: SceneRecord): Value => {
    if (field.kind === "column") {
      if (field.name === "reference_id") return scene.referenceId;
      if (field.name === "id") return scene.id;
      if (field.name === "type") return scene.kind;
      return scene.frameCount;
    }
    let value: Value = scene.metadata as Value;
    for (const key of field.path) {
      if (value === null || value === undefined || typeof value !== "object" || Array.isArray(value))
        return undefined;
      value = (value as { [key: string]: Value })[key];
    }
    return value;
  };

  /** The kinds a field holds across the dataset's scenes. */
  const kindsOf = (field: SceneField): Set<string> => {
    if (field.kind === "column") return new Set([field.name === "frame_count" ? "number" : "string"]);
    const kinds = new Set<string>();
    for (const scene of scenes) {
      const value = read(field, scene);
      if (value !== undefined && value !== null) kinds.add(kindOf(value));
    }
    return kinds;
  };

  /** The kind an expression has, when it can be told from the query alone or the data. */
  const staticKinds = (expr: Expression): Set<string> => {
    switch (expr.kind) {
      case "field":
        return kindsOf(resolve(expr));
      case "binary":
      case "negate":
        return new Set(["number"]);
      case "null":
        return new Set();
      default:
        return new Set([expr.kind === "number" ? "number" : expr.kind === "string" ? "string" : "boolean"]);
    }
  };

  const checkComparable = (node: { start: number; end: number }, left: Expression, right: Expression) => {
    const a = staticKinds(left);
    const b = staticKinds(right);
    if (a.size === 0 || b.size === 0) return;
    if (![...a].some((kind) => b.has(kind)))
      fail(node, `compares ${[...a].join("/")} with ${[...b].join("/")}: the values must be of one kind`);
  };

  const evaluate = (expr: Expression, scene: SceneRecord): Value => {
    switch (expr.kind) {
      case "field":
        return read(resolve(expr), scene);
      case "number":
      case "string":
      case "boolean":
        return expr.value;
      case "null":
        return null;
      case "negate": {
        const value = evaluate(expr.operand, scene);
        return typeof value === "number" ? -value : undefined;
      }
      case "binary": {
        const left = evaluate(expr.left, scene);
        const right = evaluate(expr.right, scene);
        if (typeof left !== "number" || typeof right !== "number") return undefined;
        switch (expr.operator) {
          case "+":
            return left + right;
          case "-":
            return left - right;
          case "*":
            return left * right;
          case "/":
            return right === 0 ? undefined : left / right;
          default:
            return right === 0 ? undefined : left % right;
        }
      }
    }
  };

  const equal = (a: Value, b: Value): boolean => JSON.stringify(a) === JSON.stringify(b);

  const test = (node: Condition, scene: SceneRecord): Truth => {
    switch (node.kind) {
      case "and": {
        let result: Truth = true;
        for (const operand of node.operands) {
          const value = test(operand, scene);
          if (value === false) return false;
          if (value === null) result = null;
        }
        return result;
      }
      case "or": {
        let result: Truth = false;
        for (const operand of node.operands) {
          const value = test(operand, scene);
          if (value === true) return true;
          if (value === null) result = null;
        }
        return result;
      }
      case "not": {
        const value = test(node.operand, scene);
        return value === null ? null : !value;
      }
      case "exists":
        return read(resolve(node.field), scene) !== undefined;
      case "compare": {
        const left = evaluate(node.left, scene);
        const right = evaluate(node.right, scene);
        if (left === undefined || right === undefined) return null;
        if (node.operator === "=") return equal(left, right);
        if (node.operator === "!=") return !equal(left, right);
        if (typeof left !== typeof right || (typeof left !== "number" && typeof left !== "string"))
          return null;
        const l = left as number | string;
        const r = right as number | string;
        if (node.operator === "<") return l < r;
        if (node.operator === "<=") return l <= r;
        if (node.operator === ">") return l > r;
        return l >= r;
      }
      case "in": {
        const value = evaluate(node.value, scene);
        if (value === undefined) return null;
        return node.list.some((literal) => equal(value, evaluate(literal, scene)));
      }
      case "contains": {
        const value = read(resolve(node.field), scene);
        if (value === undefined) return null;
        if (typeof value === "string") return value.includes(node.value.value);
        if (Array.isArray(value)) return value.some((member) => member === node.value.value);
        return false;
      }
      case "like": {
        const value = read(resolve(node.field), scene);
        if (typeof value !== "string") return value === undefined ? null : false;
        return likePattern(node.pattern.value).test(value);
      }
    }
  };

  // Every field and comparison is checked once, up front, so a bad query fails on any dataset.
  const check = (node: Condition): void => {
    switch (node.kind) {
      case "and":
      case "or":
        for (const operand of node.operands) check(operand);
        return;
      case "not":
        check(node.operand);
        return;
      case "exists":
      case "contains":
      case "like":
        resolve(node.field);
        return;
      case "compare":
        checkExpression(node.left);
        checkExpression(node.right);
        if (node.operator !== "=" && node.operator !== "!=") {
          for (const side of [node.left, node.right])
            if (staticKinds(side).has("boolean")) fail(side, "booleans have no order: use = or !=");
        }
        checkComparable(node, node.left, node.right);
        return;
      case "in":
        checkExpression(node.value);
        for (const literal of node.list) checkComparable(node, node.value, literal);
        return;
    }
  };
  const checkExpression = (expr: Expression): void => {
    if (expr.kind === "field") resolve(expr);
    else if (expr.kind === "binary") {
      checkExpression(expr.left);
      checkExpression(expr.right);
      for (const side of [expr.left, expr.right]) {
        const kinds = staticKinds(side);
        if (kinds.size > 0 && !kinds.has("number")) fail(side, "arithmetic needs numbers");
      }
    } else if (expr.kind === "negate") checkExpression(expr.operand);
  };
  check(tree);
  return { matches: (scene) => test(tree, scene) === true };
}

/** A LIKE pattern as a regular expression: `%` any run of characters, `_` one character. */
function likePattern(pattern: string): RegExp {
  let source = "";
  for (const char of pattern) {
    if (char === "%") source += ".*";
    else if (char === "_") source += ".";
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s");
}

/** The metadata of a scene record, for callers that read it as JSON. */
export type SceneMetadata = JsonObject;
