import type {
  DatasetRow,
  ItemRow,
  JobRow,
  LabelRow,
  ModelRow,
  ModelRunRow,
  SliceRow,
} from "../store/types.js";

/** The marker stored for uploaded masks; replaced by a fetchable URL when presented. */
export const MEDIA_SCHEME = "nucleus-media:";

/** Turns a media key into the URL it is served at. */
export type MediaUrl = (key: string) => string;

/** A dataset item as clients read it: the original location, or the URL of the stored upload. */
export function itemJson(row: ItemRow, mediaUrl: MediaUrl): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: row.id,
    reference_id: row.reference_id,
    original_image_url: row.media_key ? mediaUrl(row.media_key) : row.image_url,
    metadata: JSON.parse(row.metadata),
  };
  if (row.width !== null) json.width = row.width;
  if (row.height !== null) json.height = row.height;
  if (row.embedding_info !== null) json.embedding_info = JSON.parse(row.embedding_info);
  return json;
}

/** A stored annotation or prediction: its payload plus its id, with mask markers resolved. */
export function labelJson(row: LabelRow, mediaUrl: MediaUrl): Record<string, unknown> {
  const payload = JSON.parse(row.payload) as Record<string, unknown>;
  if (typeof payload.mask_url === "string" && payload.mask_url.startsWith(MEDIA_SCHEME)) {
    payload.mask_url = mediaUrl(payload.mask_url.slice(MEDIA_SCHEME.length));
  }
  return { ...payload, id: row.id };
}

/** Groups labels by response key; groups with no label are left out. */
export function groupLabels(rows: LabelRow[], mediaUrl: MediaUrl): Record<string, Record<string, unknown>[]> {
  const groups: Record<string, Record<string, unknown>[]> = {};
  for (const row of rows) {
    const group = groups[row.kind];
    if (group) group.push(labelJson(row, mediaUrl));
    else groups[row.kind] = [labelJson(row, mediaUrl)];
  }
  return groups;
}

/** The export row of one item: every list key present, the segmentation as one object or null. */
export function exportRow(item: ItemRow, rows: LabelRow[], mediaUrl: MediaUrl): Record<string, unknown> {
  const groups = groupLabels(rows, mediaUrl);
  return {
    item: itemJson(item, mediaUrl),
    box: groups.box ?? [],
    polygon: groups.polygon ?? [],
    line: groups.line ?? [],
    keypoints: groups.keypoints ?? [],
    cuboid: groups.cuboid ?? [],
    category: groups.category ?? [],
    multicategory: groups.multicategory ?? [],
    segmentation: groups.segmentation?.[0] ?? null,
  };
}

/** Dataset info. */
export function datasetInfo(row: DatasetRow, length: number, runIds: string[], sliceIds: string[]) {
  return {
    dataset_id: row.id,
    name: row.name,
    length,
    model_run_ids: runIds,
    slice_ids: sliceIds,
    annotation_metadata_schema: row.annotation_metadata_schema
      ? JSON.parse(row.annotation_metadata_schema)
      : null,
    item_metadata_schema: row.item_metadata_schema ? JSON.parse(row.item_metadata_schema) : null,
    tags: JSON.parse(row.tags) as string[],
  };
}

/** A model. */
export function modelJson(row: ModelRow) {
  return {
    id: row.id,
    name: row.name,
    ref_id: row.reference_id,
    metadata: row.metadata ? JSON.parse(row.metadata) : {},
    tags: JSON.parse(row.tags) as string[],
    trained_slice_ids: JSON.parse(row.trained_slice_ids) as string[],
    bundle_name: row.bundle_name,
  };
}

/** Model run info. */
export function modelRunInfo(row: ModelRunRow) {
  return {
    model_run_id: row.id,
    model_id: row.model_id,
    dataset_id: row.dataset_id,
    name: row.name,
    status: row.status,
    metadata: row.metadata ? JSON.parse(row.metadata) : {},
  };
}

/** A slice. */
export function sliceJson(row: SliceRow) {
  return {
    id: row.id,
    name: row.name,
    dataset_id: row.dataset_id,
    type: row.type,
    created_at: row.created_at,
    pending_job_count: 0,
    description: row.description,
  };
}

/** The four-key job object. */
export function jobJson(row: JobRow) {
  return {
    job_id: row.id,
    job_last_known_status: row.status,
    job_type: row.type,
    job_creation_time: row.created_at,
  };
}

/** A job's status, with progress as a two-decimal string. */
export function jobStatusJson(row: JobRow) {
  const progress =
    row.total_steps > 0 ? row.completed_steps / row.total_steps : row.status === "Completed" ? 1 : 0;
  return {
    job_id: row.id,
    status: row.status,
    message: row.message === null ? null : JSON.parse(row.message),
    job_progress: progress.toFixed(2),
    completed_steps: row.completed_steps,
    total_steps: row.total_steps,
    job_type: row.type,
  };
}
