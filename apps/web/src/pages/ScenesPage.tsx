import type { Scene, SceneSummary } from "@nucleus/core";
import { useState } from "react";
import { datasetSummary } from "../api/catalog.js";
import { useResource } from "../api/resource.js";
import { useClient } from "../api/session.js";
import { Link } from "../components/Link.js";
import { Shell } from "../components/Shell.js";
import { describeError, Empty, ErrorState, Loading } from "../components/States.js";
import { navigate, useLocation, withQuery } from "../state/router.js";
import "../styles/embeddings.css";

type Row = Pick<SceneSummary, "id" | "referenceId" | "type"> & {
  metadata?: Record<string, unknown> | null;
  frameCount?: number;
};

/**
 * The scenes of a dataset (lidar drives, videos) in upload order with their kind, frame count and
 * metadata; a scene query (`scene.metadata.weather = "rain"`) narrows the list.
 */
export function ScenesPage({ datasetId }: { datasetId: string }) {
  const client = useClient();
  const { pathname, search } = useLocation();
  const query = search.get("q") ?? "";
  const [draft, setDraft] = useState(query);
  const summary = useResource(`dataset:${datasetId}`, () => datasetSummary(client, datasetId));
  const scenes = useResource<Row[]>(`scenes:${datasetId}:${query}`, async () => {
    const dataset = client.getDataset(datasetId);
    if (!query) return dataset.scenes();
    const found: Scene[] = await dataset.queryScenes(query).toArray({ limit: 10_000 });
    return found;
  });
  const grid = `/datasets/${encodeURIComponent(datasetId)}`;
  const crumbs = [
    { label: "Datasets", href: "/" },
    { label: summary.status === "ready" ? summary.data.name : "…", href: grid },
    { label: "Scenes" },
  ];
  return (
    <Shell crumbs={crumbs}>
      <div className="page scenes-page">
        <h1>Scenes of {summary.data?.name ?? "…"}</h1>
        <form
          className="scene-query"
          onSubmit={(e) => {
            e.preventDefault();
            navigate(withQuery(pathname, search, { q: draft.trim() || null }));
          }}
        >
          <label className="field inline">
            <span>Scene query</span>
            <input
              type="text"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder='scene.metadata.weather = "rain" AND scene.frame_count >= 3'
              spellCheck={false}
            />
          </label>
          <button type="submit">Apply</button>
        </form>
        {scenes.status === "loading" ? <Loading what="the scenes" /> : null}
        {scenes.status === "error" ? (
          query ? (
            <p className="qb-error" role="alert">
              {describeError(scenes.error).hint}
            </p>
          ) : (
            <ErrorState error={scenes.error} retry={scenes.reload} what="the scenes" />
          )
        ) : null}
        {scenes.status === "ready" && scenes.data.length === 0 ? (
          <Empty title={query ? "No scene matches the query" : "No scenes yet"}>
            <p>
              Upload scenes with <code>nu scenes upload FILE --dataset …</code> or{" "}
              <code>dataset.uploadVideoScenes(…)</code>.
            </p>
          </Empty>
        ) : null}
        {scenes.status === "ready" && scenes.data.length > 0 ? (
          <table className="data-table scenes">
            <thead>
              <tr>
                <th scope="col">Scene</th>
                <th scope="col">Kind</th>
                <th scope="col" className="num">
                  Frames
                </th>
                <th scope="col">Metadata</th>
              </tr>
            </thead>
            <tbody>
              {scenes.data.map((scene) => (
                <tr key={scene.id} data-scene={scene.referenceId}>
                  <th scope="row">
                    <Link href={`${grid}/scenes/${encodeURIComponent(scene.referenceId)}`}>
                      {scene.referenceId}
                    </Link>
                  </th>
                  <td>
                    <span className="kind">{scene.type}</span>
                  </td>
                  <td className="num">{scene.frameCount ?? "?"}</td>
                  <td>
                    <code className="small">{JSON.stringify(scene.metadata ?? {})}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </Shell>
  );
}
