/**
 * Category and multicategory labels that name a taxonomy must fit it: the taxonomy exists in the
 * dataset, is of the label's kind, and lists every label. Labels that name no taxonomy are not
 * checked (the protocol's default taxonomy). What does not fit is refused in the protocol's
 * words, in place; the rest is written as usual.
 */
import type {
  EntityStores,
  LabelInput,
  LabelRefusal,
  LabelTarget,
  LabelUpsertResult,
  StoreProblem,
  TaxonomyRecord,
} from "../store/index.js";

/** Why a label does not fit the taxonomy it names, or undefined when it fits (or names none). */
export function taxonomyProblem(
  label: LabelInput,
  taxonomies: ReadonlyMap<string, TaxonomyRecord>,
  datasetId: string,
): StoreProblem | undefined {
  if (label.type !== "category" && label.type !== "multicategory") return undefined;
  const name = label.taxonomy_name;
  if (name === undefined || name === null) return undefined;
  const labels = label.type === "category" ? [label.label] : label.labels;
  const taxonomy = taxonomies.get(name);
  const problem = (text: string, reason: "unknownTaxonomy" | "unknownLabel" | "wrongType"): StoreProblem => ({
    code: "taxonomyMismatch",
    datasetId,
    taxonomyName: name,
    label: text,
    reason,
  });
  if (!taxonomy) return problem(labels[0] ?? "", "unknownTaxonomy");
  if (taxonomy.type !== label.type) return problem(labels.join(", "), "wrongType");
  const missing = labels.find((text) => !taxonomy.labels.includes(text));
  return missing === undefined ? undefined : problem(missing, "unknownLabel");
}

/**
 * Writes labels as `stores.labels.upsert` does, after refusing those that do not fit their
 * taxonomy; refusals of both kinds come back in input order, indexed by input position.
 * Category labels whose reference id names a scene (and no item) are scene categories, kept
 * with their scene.
 *
 * @example
 * ```ts
 * const result = await upsertCheckedLabels(stores, { kind: "annotations", datasetId }, labels, { update: false });
 * ```
 */
export async function upsertCheckedLabels(
  stores: EntityStores,
  target: LabelTarget,
  labels: readonly LabelInput[],
  options: { update: boolean },
): Promise<LabelUpsertResult> {
  const onScenes = await sceneLabelPositions(stores, target.datasetId, labels);
  if (onScenes.size === 0) return upsertItemLabels(stores, target, labels, options);
  // Scene categories go to their scenes, after the same taxonomy check; the rest to items.
  const taxonomies = new Map(
    (await stores.taxonomies.list(target.datasetId)).map((taxonomy) => [taxonomy.name, taxonomy]),
  );
  const refused: LabelRefusal[] = [];
  const sceneLabels: LabelInput[] = [];
  const itemLabels: LabelInput[] = [];
  const itemPositions: number[] = [];
  labels.forEach((label, index) => {
    if (!onScenes.has(index)) {
      itemLabels.push(label);
      itemPositions.push(index);
      return;
    }
    const problem = taxonomyProblem(label, taxonomies, target.datasetId);
    if (problem) refused.push({ index, problem });
    else sceneLabels.push(label);
  });
  const scenes = await stores.scenes.upsertLabels(target, sceneLabels, options);
  const items =
    itemLabels.length > 0
      ? await upsertItemLabels(stores, target, itemLabels, options)
      : { processed: 0, ignored: 0, refused: [] };
  for (const refusal of items.refused)
    refused.push({ ...refusal, index: itemPositions[refusal.index] ?? refusal.index });
  refused.sort((a, b) => a.index - b.index);
  return { processed: scenes.processed + items.processed, ignored: scenes.ignored + items.ignored, refused };
}

/**
 * The positions of the category labels that are scene categories: their reference id names a
 * scene of the dataset and no item (the protocol sends both kinds as `category`).
 */
async function sceneLabelPositions(
  stores: EntityStores,
  datasetId: string,
  labels: readonly LabelInput[],
): Promise<Set<number>> {
  const refs = labels.filter((label) => label.type === "category").map((label) => label.reference_id);
  if (refs.length === 0) return new Set();
  const scenes = await stores.scenes.sceneReferences(datasetId, refs);
  if (scenes.size === 0) return new Set();
  for (const ref of [...scenes])
    if (await stores.items.find(datasetId, { referenceId: ref })) scenes.delete(ref);
  const positions = new Set<number>();
  labels.forEach((label, index) => {
    if (label.type === "category" && scenes.has(label.reference_id)) positions.add(index);
  });
  return positions;
}

/** Item labels: written after refusing those that do not fit their taxonomy. */
async function upsertItemLabels(
  stores: EntityStores,
  target: LabelTarget,
  labels: readonly LabelInput[],
  options: { update: boolean },
): Promise<LabelUpsertResult> {
  const named = labels.some(
    (label) => (label.type === "category" || label.type === "multicategory") && label.taxonomy_name != null,
  );
  if (!named) return stores.labels.upsert(target, labels, options);
  const taxonomies = new Map(
    (await stores.taxonomies.list(target.datasetId)).map((taxonomy) => [taxonomy.name, taxonomy]),
  );
  const accepted: LabelInput[] = [];
  const positions: number[] = [];
  const refused: LabelRefusal[] = [];
  labels.forEach((label, index) => {
    const problem = taxonomyProblem(label, taxonomies, target.datasetId);
    if (problem) refused.push({ index, problem });
    else {
      accepted.push(label);
      positions.push(index);
    }
  });
  const result =
    accepted.length > 0
      ? await stores.labels.upsert(target, accepted, options)
      : { processed: 0, ignored: 0, refused: [] };
  for (const refusal of result.refused)
    refused.push({ ...refusal, index: positions[refusal.index] ?? refusal.index });
  refused.sort((a, b) => a.index - b.index);
  return { processed: result.processed, ignored: result.ignored, refused };
}
