/**
 * Items selected in the grid, and what a selection can become: a new slice (static, or dynamic
 * when it is "every item of the query"), more items of a slice, or tags.
 */
import type { NucleusClient } from "@nucleus/core";

/** Selected items by id (with their reference ids), or every item the query selects. */
export type Selection =
  | { kind: "items"; items: ReadonlyMap<string, string>; anchor: number | undefined }
  | { kind: "query" };

/** Nothing selected. */
export const NO_SELECTION: Selection = { kind: "items", items: new Map(), anchor: undefined };

/** How many items a selection holds (`total` is the query's count). */
export function selectionSize(selection: Selection, total: number | undefined): number | undefined {
  return selection.kind === "query" ? total : selection.items.size;
}

/** Where the selected items go. */
export type SliceTarget =
  | { kind: "new"; name: string; dynamic: boolean }
  | { kind: "existing"; sliceId: string };

/** The query and run a selection of "every item of the query" stands for. */
export interface QueryScope {
  datasetId: string;
  /** The grid's query ("" for every item). */
  query: string;
  modelRun: string | undefined;
}

/** Reference ids of the items a query selects (to append them to a static slice). */
async function referenceIdsOf(client: NucleusClient, scope: QueryScope): Promise<string[]> {
  const ids: string[] = [];
  const options = { pageSize: 5_000, ...(scope.modelRun ? { modelRun: scope.modelRun } : {}) };
  for await (const item of client.getDataset(scope.datasetId).queryItems(scope.query, options))
    ids.push(item.referenceId ?? item.refId ?? item.id);
  return ids;
}

/**
 * Puts the selection into a slice: a new one (static; or dynamic, the query itself, when every
 * item of the query is selected) or an existing one. Returns the slice's id.
 */
export async function addToSlice(
  client: NucleusClient,
  selection: Selection,
  scope: QueryScope,
  target: SliceTarget,
): Promise<string> {
  const dataset = client.getDataset(scope.datasetId);
  if (target.kind === "new" && selection.kind === "query") {
    const slice = await dataset.createSlice({
      name: target.name,
      query: scope.query,
      dynamic: target.dynamic,
      ...(scope.modelRun ? { modelRun: scope.modelRun } : {}),
    });
    return slice.id;
  }
  const refs =
    selection.kind === "items" ? [...selection.items.values()] : await referenceIdsOf(client, scope);
  if (target.kind === "new") return (await dataset.createSlice(target.name, refs)).id;
  const slice = client.getSlice(target.sliceId);
  for (let at = 0; at < refs.length; at += 10_000) await slice.append(refs.slice(at, at + 10_000));
  return target.sliceId;
}

/** Adds or removes a tag on the selected items; returns how many items changed. */
export async function tagSelection(
  client: NucleusClient,
  selection: Selection,
  scope: QueryScope,
  tag: string,
  remove: boolean,
): Promise<number> {
  const change = remove ? { remove: [tag] } : { add: [tag] };
  const dataset = client.getDataset(scope.datasetId);
  if (selection.kind === "query") {
    return (
      await dataset.tagItems(
        { query: scope.query, ...(scope.modelRun ? { modelRun: scope.modelRun } : {}) },
        change,
      )
    ).changed;
  }
  const ids = [...selection.items.keys()];
  let changed = 0;
  for (let at = 0; at < ids.length; at += 10_000)
    changed += (await dataset.tagItems({ itemIds: ids.slice(at, at + 10_000) }, change)).changed;
  return changed;
}
