import { describe, expect, it } from "vitest";
import * as z from "zod";
import { Annotation, Prediction } from "./annotations.js";
import { createCodec } from "./codec.js";
import type { AnyCodec } from "./contract.js";
import * as schemas from "./index.js";
import { DatasetItemRecord } from "./items.js";
import { AnnotateRequest, PageRequest } from "./requests.js";
import { ItemResponse } from "./responses.js";
import { LidarScene } from "./scenes.js";

describe("codecs", () => {
  it("camelCase every declared key, at every depth", () => {
    const domain = AnnotateRequest.fromWire({
      update: true,
      annotations: [
        {
          type: "box",
          label: "car",
          reference_id: "img_1",
          annotation_id: "a1",
          track_reference_id: "t1",
          geometry: { x: 1, y: 2, width: 3, height: 4 },
          embedding_vector: [0.5],
        },
      ],
    });
    expect(domain).toEqual({
      update: true,
      annotations: [
        {
          type: "box",
          label: "car",
          referenceId: "img_1",
          annotationId: "a1",
          trackReferenceId: "t1",
          geometry: { x: 1, y: 2, width: 3, height: 4 },
          embeddingVector: [0.5],
        },
      ],
    });
  });

  it("never rename user keys: metadata and class_pdf labels are kept", () => {
    const wire = Prediction.toWire({
      type: "box",
      label: "traffic_light",
      referenceId: "img_1",
      geometry: { x: 0, y: 0, width: 1, height: 1 },
      metadata: { camera_id: "front_left", nested_obj: { snake_key: 1 } },
      classPdf: { traffic_light: 0.75, stop_sign: 0.25 },
    });
    expect(wire).toEqual({
      type: "box",
      label: "traffic_light",
      reference_id: "img_1",
      geometry: { x: 0, y: 0, width: 1, height: 1 },
      metadata: { camera_id: "front_left", nested_obj: { snake_key: 1 } },
      class_pdf: { traffic_light: 0.75, stop_sign: 0.25 },
    });
  });

  it("keep record keys but convert record values (lidar sensor names)", () => {
    const domain = LidarScene.fromWire({
      reference_id: "scene_1",
      frames: [{ lidar_top: { url: "s3://b/0.json", type: "pointcloud", reference_id: "scene_1/0" } }],
    });
    expect(domain.frames[0]?.lidar_top?.referenceId).toBe("scene_1/0");
  });

  it("keep Nucleus' own camelCase keys in both directions", () => {
    expect(PageRequest.toWire({ pageToken: "2", pageSize: 10 })).toEqual({ pageToken: "2", pageSize: 10 });
    expect(PageRequest.fromWire({ pageToken: "2", pageSize: 10 })).toEqual({ pageToken: "2", pageSize: 10 });
  });

  it("pass unknown keys of loose response objects through unchanged", () => {
    const item = DatasetItemRecord.decode({ id: "di_1", reference_id: "r", server_extra: { a_b: 1 } });
    expect(item).toEqual({ id: "di_1", referenceId: "r", server_extra: { a_b: 1 } });
    expect(DatasetItemRecord.toWire(item)).toEqual({
      id: "di_1",
      reference_id: "r",
      server_extra: { a_b: 1 },
    });
  });

  it("convert grouped annotations of a single-item response", () => {
    const response = ItemResponse.decode({
      item: { id: "di_1", reference_id: "img_1", original_image_url: "s3://b/1.jpg", metadata: {} },
      annotations: {
        segmentation: [
          {
            type: "mask",
            mask_url: "s3://m.png",
            annotations: [{ label: "road", index: 1 }],
            reference_id: "img_1",
          },
        ],
      },
    });
    expect(response.item.originalImageUrl).toBe("s3://b/1.jpg");
    expect(response.annotations.segmentation?.[0]?.maskUrl).toBe("s3://m.png");
  });

  it("reject unions of objects without a discriminator when first used", () => {
    // Converters are compiled on first use, so that importing the package stays cheap.
    const ambiguous = createCodec(z.union([z.object({ a_b: z.string() }), z.object({ c_d: z.number() })]));
    expect(() => ambiguous.fromWire({ a_b: "x" })).toThrow(/discriminator/);
    expect(() => ambiguous.toWire({ aB: "x" })).toThrow(/discriminator/);
  });

  it("compile for every codec of the package", () => {
    const codecs = Object.entries(schemas).filter(
      (entry): entry is [string, AnyCodec] => typeof (entry[1] as Partial<AnyCodec>).fromWire === "function",
    );
    expect(codecs.length).toBeGreaterThan(50);
    for (const [, codec] of codecs) {
      expect(() => codec.fromWire(undefined)).not.toThrow();
      expect(() => codec.toWire(undefined)).not.toThrow();
    }
  });

  it("handle recursive object schemas", () => {
    interface Node {
      node_name: string;
      child_nodes: Node[];
    }
    const NodeSchema: z.ZodType<Node> = z.object({
      node_name: z.string(),
      get child_nodes() {
        return z.array(NodeSchema);
      },
    });
    const codec = createCodec(NodeSchema);
    const wire = { node_name: "a", child_nodes: [{ node_name: "b", child_nodes: [] }] };
    expect(codec.fromWire(wire)).toEqual({ nodeName: "a", childNodes: [{ nodeName: "b", childNodes: [] }] });
  });

  it("decode validates before converting and encode converts before validating", () => {
    expect(() => Annotation.decode({ type: "box", label: "x", reference_id: "r", geometry: {} })).toThrow(
      /geometry\.x is required/,
    );
    expect(() =>
      Annotation.encode({ type: "line", label: "l", referenceId: "r", geometry: { vertices: [] } }),
    ).toThrow(/geometry\.vertices must have at least 2 entries/);
  });

  it("reject cyclic and non-plain metadata", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const withDate = { when: new Date(0) };
    const check = (metadata: unknown) =>
      Annotation.check({ type: "category", label: "x", reference_id: "r", metadata });
    const texts = (metadata: unknown) => {
      const result = check(metadata);
      return result.ok ? [] : result.issues.map((issue) => issue.text);
    };
    expect(texts(cyclic)).toEqual(['(reference_id "r"): metadata.self must not contain itself']);
    expect(texts(withDate)).toEqual([
      '(reference_id "r"): metadata.when must be plain JSON (an object, array, string, number, boolean or null)',
    ]);
    expect(texts({ fn: () => 1 })).toEqual(['(reference_id "r"): metadata.fn must be JSON, not a function']);
  });
});
