import { readFileSync } from "node:fs";
import type { Scene } from "@nucleus/core";
import { UsageError } from "../args.js";
import type { Command, Context } from "../command.js";
import { resolveDatasetId } from "../dataset-ref.js";
import { CliError, requireYes } from "../output.js";

const datasetOf = (c: Context) => resolveDatasetId(c.client(), c.arg(0, "dataset"));

/** Scene payloads from a file: a JSON array (or `{"scenes": [...]}`), or one scene per line. */
function readScenes(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError("Cannot read the scenes", `${path}: ${(error as Error).message}`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith("[") || trimmed.startsWith('{"scenes"')) {
    const parsed = JSON.parse(trimmed) as unknown[] | { scenes: unknown[] };
    return Array.isArray(parsed) ? parsed : parsed.scenes;
  }
  return trimmed
    .split("\n")
    .map((line, i) => [line.trim(), i + 1] as const)
    .filter(([line]) => line !== "")
    .map(([line, number]) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new CliError("Not valid JSON", `${path}, line ${number}: not a JSON scene`);
      }
    });
}

/** The frames of a scene as rows: frame, sensor, type, reference id, location. */
function frameRows(scene: Scene) {
  if (scene.lidarFrames)
    return scene.lidarFrames.flatMap((frame, i) =>
      Object.entries(frame).map(([sensor, item]) => ({
        frame: i,
        sensor,
        type: item.type,
        referenceId: item.referenceId,
        url: item.url,
      })),
    );
  return (scene.videoFrames ?? []).map((item, i) => ({
    frame: i,
    sensor: "",
    type: item.type,
    referenceId: item.referenceId,
    url: item.url,
  }));
}

/** `nu scenes ...` and `nu tracks ...`. */
export const sceneCommands: Command[] = [
  {
    path: ["scenes", "upload"],
    summary: "upload lidar (or, with --video, video) scenes from a JSON or NDJSON file",
    usage: "<dataset> <file>",
    flags: {
      video: { type: "boolean", description: "the file holds video scenes" },
      update: { type: "boolean", description: "replace the metadata of scenes already there" },
      async: { type: "boolean", description: "upload through a server job and wait for it" },
    },
    details:
      "The file holds scene payloads as the protocol sends them: a JSON array or one scene per line.\n" +
      'Lidar: {"reference_id": "drive_1", "frames": [{"lidar": {"url": "s3://b/0.json", "type": "pointcloud", "reference_id": "drive_1/0"}}]}\n' +
      'Video: {"reference_id": "clip_1", "video_url": "s3://b/clip.mp4"} or {"reference_id": "clip_2", "frame_rate": 10, "frames": [...]}\n' +
      "Example: nu scenes upload drives scenes.ndjson --async",
    async run(c) {
      const video = c.args.flags.video === true;
      const update = c.args.flags.update === true;
      const wire = readScenes(c.arg(1, "file"));
      // Loaded here, not at start: every command would otherwise load the protocol's schemas.
      const { PayloadValidationError, UploadScenesRequest, UploadVideoScenesRequest } = await import(
        "@nucleus/schemas"
      );
      let scenes: unknown[];
      try {
        scenes = (video ? UploadVideoScenesRequest : UploadScenesRequest).decode({
          scenes: wire,
          update,
        }).scenes;
      } catch (error) {
        if (error instanceof PayloadValidationError) throw new CliError("Invalid scenes", error.message);
        throw error;
      }
      const dataset = c.client().getDataset(await datasetOf(c));
      if (c.args.flags.async === true) {
        const job = video
          ? await dataset.uploadVideoScenes(scenes as never[], { update, asynchronous: true })
          : await dataset.uploadScenes(scenes as never[], { update, asynchronous: true });
        const status = await job.waitUntilDone({ pollInterval: 200 });
        if (c.json) c.print({ jobId: job.id, status: status.status, message: status.message });
        else c.io.out(`Job ${job.id}: ${status.status}`);
        return;
      }
      const result = video
        ? await dataset.uploadVideoScenes(scenes as never[], { update })
        : await dataset.uploadScenes(scenes as never[], { update });
      if (c.json) c.print(result);
      else
        c.io.out(
          `Uploaded ${scenes.length} scenes: ${result.newScenes} new (${result.newItems} frame items), ${result.updatedScenes} updated, ${result.ignoredScenes} already there`,
        );
    },
  },
  {
    path: ["scenes", "list"],
    summary: "list a dataset's scenes, or those a query selects (--where)",
    usage: "<dataset>",
    flags: {
      where: {
        type: "string",
        value: "QUERY",
        description: 'a scene query, e.g. scene.metadata.weather = "rain"',
      },
      limit: { type: "integer", min: 1, description: "at most this many with --where (default 100)" },
    },
    async run(c) {
      const dataset = c.client().getDataset(await datasetOf(c));
      const where = c.flag("where");
      const scenes =
        where === undefined
          ? await dataset.scenes()
          : await dataset.queryScenes(where).toArray({ limit: c.integer("limit") ?? 100 });
      c.print(
        c.json
          ? scenes
          : scenes.map((s) => ({
              id: s.id,
              referenceId: s.referenceId,
              type: s.type,
              frames: s.frameCount,
              metadata: JSON.stringify(s.metadata ?? {}),
            })),
        ["id", "referenceId", "type", "frames", "metadata"],
      );
    },
  },
  {
    path: ["scenes", "get"],
    summary: "show a scene's frames, tracks and scene categories",
    usage: "<dataset> <reference-id>",
    flags: { "from-item": { type: "boolean", description: "the reference id is one of its frame items'" } },
    async run(c) {
      const dataset = c.client().getDataset(await datasetOf(c));
      const scene = await dataset.scene(c.arg(1, "reference-id"), {
        fromItem: c.args.flags["from-item"] === true,
      });
      if (c.json) {
        c.print(scene);
        return;
      }
      c.io.out(
        `${scene.referenceId} (${scene.id}): ${scene.type} scene, ${scene.frameCount} frames${
          scene.frameRate ? ` at ${scene.frameRate} fps` : ""
        }${scene.videoUrl ? `, video ${scene.videoUrl}` : ""}`,
      );
      c.io.out(`metadata: ${JSON.stringify(scene.metadata)}`);
      if (scene.tracks.length > 0) c.io.out(`tracks: ${scene.tracks.map((t) => t.referenceId).join(", ")}`);
      const categories = scene.annotations.map((a) => String(a.label));
      if (categories.length > 0) c.io.out(`categories: ${categories.join(", ")}`);
      const rows = frameRows(scene);
      if (rows.length > 0) c.print(rows, ["frame", "sensor", "type", "referenceId", "url"]);
    },
  },
  {
    path: ["scenes", "delete"],
    summary: "delete a scene with its frame items and their labels",
    usage: "<dataset> <reference-id>",
    flags: { yes: { type: "boolean", description: "do not ask for confirmation" } },
    async run(c) {
      const ref = c.arg(1, "reference-id");
      requireYes(c.args.flags, ref, "its frame items and their annotations");
      const items = await c
        .client()
        .getDataset(await datasetOf(c))
        .deleteScene(ref);
      if (c.json) c.print({ deleted: ref, items });
      else c.io.out(`Deleted scene ${ref} with ${items} frame items`);
    },
  },
  {
    path: ["tracks", "list"],
    summary: "list a dataset's tracks with their metadata",
    usage: "<dataset>",
    async run(c) {
      const tracks = await c
        .client()
        .getDataset(await datasetOf(c))
        .tracks();
      c.print(
        c.json
          ? tracks
          : tracks.map((t) => ({ referenceId: t.referenceId, metadata: JSON.stringify(t.metadata ?? {}) })),
        ["referenceId", "metadata"],
      );
    },
  },
  {
    path: ["tracks", "update"],
    summary: "create a track or merge metadata into it (--overwrite replaces it)",
    usage: "<dataset> <track-reference-id>",
    flags: {
      metadata: { type: "string", value: "JSON", description: 'the metadata, e.g. {"color": "red"}' },
      overwrite: { type: "boolean", description: "replace the track's metadata instead of merging" },
    },
    async run(c) {
      const text = c.flag("metadata") ?? "{}";
      let metadata: unknown;
      try {
        metadata = JSON.parse(text);
      } catch {
        throw new UsageError(`--metadata must be a JSON object, got ${text}`);
      }
      if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata))
        throw new UsageError(`--metadata must be a JSON object, got ${text}`);
      const ref = c.arg(1, "track-reference-id");
      const dataset = c.client().getDataset(await datasetOf(c));
      await dataset.updateTrack(ref, metadata as Record<string, never>, {
        overwrite: c.args.flags.overwrite === true,
      });
      const track = (await dataset.tracks()).find((t) => t.referenceId === ref);
      if (c.json) c.print(track);
      else c.io.out(`${ref}: ${JSON.stringify(track?.metadata ?? {})}`);
    },
  },
  {
    path: ["tracks", "delete"],
    summary: "delete tracks (their annotations and predictions stay, unlinked)",
    usage: "<dataset> <track-reference-id>...",
    flags: { yes: { type: "boolean", description: "do not ask for confirmation" } },
    async run(c) {
      const refs = c.args.positionals.slice(1);
      if (refs.length === 0) throw new UsageError("give at least one track reference id");
      requireYes(
        c.args.flags,
        refs.join(", "),
        "the tracks (their annotations and predictions stay, without a track)",
      );
      const deleted = await c
        .client()
        .getDataset(await datasetOf(c))
        .deleteTracks(refs);
      if (c.json) c.print({ deleted, trackReferenceIds: refs });
      else c.io.out(`Deleted ${deleted} of ${refs.length} tracks`);
    },
  },
];
