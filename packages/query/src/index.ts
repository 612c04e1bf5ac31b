/**
 * `@nucleus/query`: the Nucleus query language. It selects items (`annotations.car >= 3 AND
 * metadata.weather = "foggy"`) and objects (`label = "car" AND area < 32 * 32`) everywhere: the
 * server's query routes, the SDK, `nu` and the web app's query bar. This package parses a query
 * into a typed syntax tree, resolves its fields for a scope and checks the kinds of values
 * compared; turning a tree into SQL is the server's. Pure TypeScript: runs in Node and browsers.
 *
 * @example
 * ```ts
 * import { checkQuery, QueryError } from "@nucleus/query";
 *
 * try {
 *   checkQuery("metadata.speed_mph >= 50 AND NOT metadata.city IN ['boston']", "item");
 * } catch (error) {
 *   if (error instanceof QueryError) console.error(error.message);
 * }
 * ```
 *
 * @packageDocumentation
 */

export type {
  BinaryNode,
  ComparisonNode,
  ComparisonOperator,
  Condition,
  ContainsNode,
  ExistsNode,
  Expression,
  FieldNode,
  InNode,
  LikeNode,
  Literal,
  LogicalNode,
  NegateNode,
  NotNode,
  Span,
} from "./ast.js";
export { type CheckedQuery, type CheckOptions, checkQuery } from "./check.js";
export { END, QueryError } from "./errors.js";
export {
  ANNOTATION_TYPES,
  FIELDS,
  type FieldInfo,
  type MetadataTypes,
  type ResolvedField,
  resolveField,
  type Scope,
  UnknownField,
  type ValueType,
} from "./fields.js";
export { parseQuery } from "./parser.js";
