/** The export of a scene dataset for training; `Dataset.exportScenes` delegates here. */
import { routes, type SceneExportPageResponse } from "@nucleus/schemas";
import type { Api } from "../internal/api.js";
import type { CallOptions } from "../options.js";
import { PageIterator } from "../pagination.js";

/**
 * One exported scene: the scene and its tracked boxes, keyed by track reference id; a frame's
 * `key` is its position in the scene.
 *
 * @example
 * ```ts
 * import type { SceneExportRow } from "@nucleus/core";
 *
 * const boxes = (row: SceneExportRow) => Object.values(row.annotations).flatMap((track) => track.frames);
 * ```
 */
export type SceneExportRow = SceneExportPageResponse["data"][number];

/**
 * Options of {@link Dataset.exportScenes}.
 *
 * @example
 * ```ts
 * import type { SceneExportOptions } from "@nucleus/core";
 *
 * const options: SceneExportOptions = { pageSize: 30, sliceId: "slc_1" };
 * ```
 */
export interface SceneExportOptions extends CallOptions {
  /** Scenes per request, at most 30. Default 10. */
  pageSize?: number;
  /** Only the scenes with a frame item in this slice. */
  sliceId?: string;
  /** Only the labels of each item's most recent labeling task. Default true. */
  onlyMostRecentTask?: boolean;
}

/** @internal */
export function exportScenes(
  api: Api,
  datasetId: string,
  options: SceneExportOptions,
): PageIterator<SceneExportRow> {
  const pageSize = options.pageSize ?? 10;
  return new PageIterator(async (pageToken) => {
    const page = await api.call(
      routes.exportScenesPage,
      {
        params: { datasetId },
        body: {
          pageToken,
          pageSize,
          sliceId: options.sliceId ?? null,
          onlyMostRecentTask: options.onlyMostRecentTask ?? true,
        },
      },
      options,
    );
    return { items: page.data, nextPageToken: page.nextPageToken };
  });
}
