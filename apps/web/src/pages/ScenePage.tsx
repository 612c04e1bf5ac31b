import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { datasetSummary } from "../api/catalog.js";
import { apiEndpoint } from "../api/endpoint.js";
import { mediaOf } from "../api/media.js";
import { useResource } from "../api/resource.js";
import { type Frame, loadScene } from "../api/scenes.js";
import { useClient } from "../api/session.js";
import { Link } from "../components/Link.js";
import { PointCloudView } from "../components/PointCloudView.js";
import { Shell } from "../components/Shell.js";
import { Empty, ErrorState, Loading } from "../components/States.js";
import { Thumbnail } from "../components/Thumbnail.js";
import type { Cuboid } from "../labels/bev.js";
import { labelColor, PALETTE } from "../labels/colors.js";
import { containTransform, drawShapes, prepareCanvas } from "../labels/draw.js";
import { navigate, useLocation, withQuery } from "../state/router.js";
import "../styles/embeddings.css";

const DIM = "#8a94a3";

/** The colour of a track: the scene's tracks take the palette in order, so neighbours differ. */
export function trackColor(tracks: readonly string[], track: string): string {
  const at = tracks.indexOf(track);
  return at === -1 ? labelColor(track) : (PALETTE[at % PALETTE.length] as string);
}

/** How a cuboid is drawn: as the image labels are (track colour, the chosen track thicker, others dim). */
function cuboidStyle(c: Cuboid, tracks: readonly string[], track: string | undefined) {
  if (track && c.track !== track) return { color: DIM, width: 2, caption: c.track ?? c.label };
  return {
    color: c.track ? trackColor(tracks, c.track) : labelColor(c.label),
    width: c.track && c.track === track ? 3.5 : 2,
    fill: 0.12,
    caption: c.track ? `${c.label} · ${c.track}` : c.label,
  };
}

/** Cuboids with the chosen track's last, so it is drawn over the others. */
const chosenLast = (cuboids: readonly Cuboid[], track: string | undefined) =>
  [...cuboids].sort((a, b) => Number(a.track === track) - Number(b.track === track));

/** The selected frame, large, with its labels drawn: tracked ones in their track's colour. */
function FrameView({
  frame,
  tracks,
  track,
}: {
  frame: Frame;
  tracks: readonly string[];
  track: string | undefined;
}) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [natural, setNatural] = useState<{ width: number; height: number }>();
  useLayoutEffect(() => {
    const element = box.current;
    if (!element) return;
    const observer = new ResizeObserver(() =>
      setSize({ width: element.clientWidth, height: element.clientHeight }),
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const image = frame.width && frame.height ? { width: frame.width, height: frame.height } : natural;
  useEffect(() => {
    const element = canvas.current;
    if (!element || !image || size.width === 0) return;
    const ctx = prepareCanvas(element, size.width, size.height);
    if (!ctx) return;
    const t = containTransform(image.width, image.height, size.width, size.height);
    const drawable = frame.shapes.filter((s) => s.kind !== "category" && s.kind !== "mask");
    // The chosen track last, so it is drawn over the others.
    const ordered = [...drawable].sort(
      (a, b) => Number(frame.trackOf.get(a.key) === track) - Number(frame.trackOf.get(b.key) === track),
    );
    drawShapes(ctx, ordered, t, (shape) => {
      const own = frame.trackOf.get(shape.key);
      if (track && own !== track) return { color: DIM, width: 2, caption: own ?? shape.label };
      const color = own ? trackColor(tracks, own) : labelColor(shape.label);
      return {
        color,
        width: own && own === track ? 3.5 : 2,
        fill: 0.12,
        caption: own ? `${shape.label} · ${own}` : shape.label,
      };
    });
  }, [frame, image, size, tracks, track]);
  const media = mediaOf(frame.url, apiEndpoint());
  return (
    <div ref={box} className="scene-frame" data-frame={frame.index}>
      {media.kind === "unreachable" ? (
        <div className="placeholder large">
          <span>This frame is not viewable in a browser</span>
          <code>{media.url}</code>
        </div>
      ) : (
        <img
          className="scene-frame-image"
          src={media.url}
          alt={`Frame ${frame.index + 1}`}
          draggable={false}
          onLoad={(e) =>
            setNatural({ width: e.currentTarget.naturalWidth, height: e.currentTarget.naturalHeight })
          }
        />
      )}
      <canvas
        ref={canvas}
        className="label-layer"
        style={{ width: size.width, height: size.height }}
        role="img"
        aria-label={`Labels of frame ${frame.index + 1}: ${frame.shapes.length}`}
        data-shapes={frame.shapes.length}
      />
    </div>
  );
}

/**
 * A scene: its frames as a strip of thumbnails in order, the selected frame large with its labels,
 * and its tracks, one colour each across every frame; choosing a track marks the frames it is in.
 */
export function ScenePage({ datasetId, sceneId }: { datasetId: string; sceneId: string }) {
  const client = useClient();
  const { pathname, search } = useLocation();
  const summary = useResource(`dataset:${datasetId}`, () => datasetSummary(client, datasetId));
  const loaded = useResource(`scene:${datasetId}:${sceneId}`, () => loadScene(client, datasetId, sceneId));
  const frameCount = loaded.data?.frames.length ?? 0;
  const at = Math.min(Math.max(0, Number(search.get("frame") ?? 0) || 0), Math.max(0, frameCount - 1));
  const track = search.get("track") ?? undefined;
  const go = (changes: Record<string, string | null>) =>
    navigate(withQuery(pathname, search, changes), { replace: true });
  const strip = useRef<HTMLOListElement>(null);
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      if (e.key === "ArrowRight" && at < frameCount - 1) go({ frame: String(at + 1) });
      if (e.key === "ArrowLeft" && at > 0) go({ frame: String(at - 1) });
    };
    window.addEventListener("keydown", key);
    return () => window.removeEventListener("keydown", key);
  });
  useEffect(() => {
    strip.current
      ?.querySelector(`[data-frame="${at}"]`)
      ?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }, [at]);

  const grid = `/datasets/${encodeURIComponent(datasetId)}`;
  const crumbs = [
    { label: "Datasets", href: "/" },
    { label: summary.status === "ready" ? summary.data.name : "…", href: grid },
    { label: "Scenes", href: `${grid}/scenes` },
    { label: sceneId },
  ];
  if (loaded.status !== "ready")
    return (
      <Shell crumbs={crumbs}>
        {loaded.status === "loading" ? (
          <Loading what="the scene" />
        ) : (
          <ErrorState error={loaded.error} retry={loaded.reload} what="the scene" />
        )}
      </Shell>
    );
  const { scene, frames, framesOfTrack } = loaded.data;
  const tracks = scene.tracks.map((t) => t.referenceId);
  const frame = frames[at];
  const inTrack = new Set(track ? (framesOfTrack.get(track) ?? []) : []);
  const video = scene.videoUrl ? mediaOf(scene.videoUrl, apiEndpoint()) : undefined;
  const cloud = frame?.cloud;
  return (
    <Shell crumbs={crumbs}>
      <div className="with-panel">
        <aside className="panel" aria-label="Scene">
          <section className="panel-section">
            <h2>Scene</h2>
            <dl className="kv">
              <div className="kv-row">
                <dt>Reference id</dt>
                <dd>{scene.referenceId}</dd>
              </div>
              <div className="kv-row">
                <dt>Kind</dt>
                <dd>{scene.type}</dd>
              </div>
              <div className="kv-row">
                <dt>Frames</dt>
                <dd>{scene.frameCount || frames.length}</dd>
              </div>
              {scene.frameRate ? (
                <div className="kv-row">
                  <dt>Frame rate</dt>
                  <dd>{scene.frameRate} fps</dd>
                </div>
              ) : null}
              {Object.entries(scene.metadata).map(([key, value]) => (
                <div className="kv-row" key={key}>
                  <dt>{key}</dt>
                  <dd>{typeof value === "string" ? value : JSON.stringify(value)}</dd>
                </div>
              ))}
            </dl>
          </section>
          <section className="panel-section">
            <h2>Tracks ({tracks.length})</h2>
            {tracks.length === 0 ? <p className="muted small">No labels follow a track here.</p> : null}
            <ul className="track-list" aria-label="Tracks">
              {tracks.map((ref) => {
                const seen = framesOfTrack.get(ref) ?? [];
                return (
                  <li key={ref}>
                    <button
                      type="button"
                      className={ref === track ? "track on" : "track"}
                      aria-pressed={ref === track}
                      data-track={ref}
                      onClick={() => go({ track: ref === track ? null : ref })}
                    >
                      <span className="embed-swatch" style={{ background: trackColor(tracks, ref) }} />
                      <span className="legend-name">{ref}</span>
                      <span className="muted small">
                        {seen.length} {seen.length === 1 ? "frame" : "frames"}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ul>
          </section>
          {frame ? (
            <p className="small">
              <Link href={`${grid}/items/${encodeURIComponent(frame.itemId)}`}>
                Open frame {at + 1} as an item
              </Link>
            </p>
          ) : null}
        </aside>
        <section className="page embed-main scene-main" aria-label="Frames">
          <h1>
            {scene.referenceId}{" "}
            {frames.length ? (
              <span className="muted small">
                frame {at + 1} of {frames.length}
              </span>
            ) : null}
          </h1>
          {frame && cloud ? (
            <div className="scene-views">
              <PointCloudView
                datasetId={datasetId}
                frameIndex={frame.index}
                cloud={cloud}
                {...(frames[at + 1]?.cloud ? { nextItemId: frames[at + 1]?.cloud?.itemId } : {})}
                styleOf={(c) => cuboidStyle(c, tracks, track)}
                order={(cuboids) => chosenLast(cuboids, track)}
              />
              {frame.image ? <FrameView frame={frame} tracks={tracks} track={track} /> : null}
            </div>
          ) : frame ? (
            <FrameView frame={frame} tracks={tracks} track={track} />
          ) : video ? (
            video.kind === "unreachable" ? (
              <div className="scene-frame">
                <div className="placeholder large">
                  <span>This video is not viewable in a browser</span>
                  <code>{video.url}</code>
                </div>
              </div>
            ) : (
              // biome-ignore lint/a11y/useMediaCaption: uploaded videos come without captions.
              <video className="scene-video" src={video.url} controls />
            )
          ) : (
            <Empty title="No frames">
              <p>This scene has no frames to show.</p>
            </Empty>
          )}
          <ol ref={strip} className="frame-strip" aria-label="Frames in order">
            {frames.map((f) => (
              <li key={f.itemId}>
                <button
                  type="button"
                  className={`strip-frame${f.index === at ? " on" : ""}${inTrack.has(f.index) ? " in-track" : ""}`}
                  style={
                    inTrack.has(f.index) && track ? { borderColor: trackColor(tracks, track) } : undefined
                  }
                  aria-current={f.index === at ? "true" : undefined}
                  aria-label={`Frame ${f.index + 1}${inTrack.has(f.index) ? `, with ${track}` : ""}`}
                  data-frame={f.index}
                  data-reference-id={f.referenceId}
                  onClick={() => go({ frame: String(f.index) })}
                >
                  <span className="strip-image">
                    {f.image ? (
                      <Thumbnail
                        endpoint={apiEndpoint()}
                        datasetId={datasetId}
                        itemId={f.itemId}
                        url={f.url}
                        size={192}
                      />
                    ) : (
                      <span className="placeholder">
                        <span>Point cloud</span>
                        <span>
                          {f.cloud?.cuboids.length ?? 0}{" "}
                          {f.cloud?.cuboids.length === 1 ? "cuboid" : "cuboids"}
                        </span>
                      </span>
                    )}
                  </span>
                  <span className="strip-caption">
                    {f.index + 1}
                    {[...new Set(f.trackOf.values())].map((ref) => (
                      <span
                        key={ref}
                        className="track-dot"
                        title={ref}
                        style={{ background: trackColor(tracks, ref) }}
                      />
                    ))}
                  </span>
                </button>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </Shell>
  );
}
