import { setFlagsFromString } from "node:v8";
import { describe, expect, it } from "vitest";
import { MASK_MEDIA_KEY } from "../media/masks.js";
import type { LabelInput, LabelRecord } from "../store/index.js";
import { objectWire } from "./curation.js";
import { labelWire } from "./labels.js";

const mediaUrl = (key: string) => `http://127.0.0.1:1/media/${key}`;

/** A stored label whose payload is read back from its JSON text, as the stores read it. */
function stored(id: string, payloadText: string): LabelRecord {
  return { id, itemId: "di_1", group: "box", payload: JSON.parse(payloadText) as LabelInput };
}

/** What a label's wire was when built by spreading its payload (the form clients have read). */
function spreadWire(label: LabelRecord) {
  const { [MASK_MEDIA_KEY]: _private, ...payload } = label.payload as Record<string, unknown>;
  return { ...payload, id: label.id };
}

describe("label wires", () => {
  it("keep the payload's fields in order, the id last unless the payload has one, and no private field", () => {
    const payloads = [
      '{"label":"car","reference_id":"img_1","annotation_id":"a_1","type":"box","geometry":{"x":1,"y":2,"width":3,"height":4}}',
      '{"id":"theirs","label":"car","type":"box","metadata":{"2":"b","1":"a"}}',
      '{"type":"segmentation","mask_url":"s3://m.png","mask_media_key":"mk_1","annotations":[{"label":"road","index":1}]}',
      '{"7":"digit key","__proto__":{"polluted":true},"label":"odd"}',
    ];
    payloads.forEach((text, i) => {
      const label = stored(`ann_${i}`, text);
      const wire = labelWire(label, mediaUrl);
      const { mask_media_url: _served, ...rest } = wire;
      expect(JSON.stringify(rest)).toBe(JSON.stringify(spreadWire(label)));
    });
    const odd = labelWire(stored("ann_odd", payloads[3] as string), mediaUrl);
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(Object.keys(odd)).toEqual(["7", "__proto__", "label", "id"]);
    const mask = labelWire(stored("ann_mask", payloads[2] as string), mediaUrl);
    expect(mask).not.toHaveProperty(MASK_MEDIA_KEY);
    expect(mask.mask_url).toBe("s3://m.png");
    expect(mask.mask_media_url).toBe(mediaUrl("mk_1"));
  });

  it("add an object's item ids and run after the label's fields", () => {
    const label = stored("pred_1", '{"label":"car","reference_id":"img_1","type":"box"}');
    const wire = objectWire({ kind: "label", label, referenceId: "img_1" }, mediaUrl, "run_1");
    expect(Object.keys(wire)).toEqual([
      "label",
      "reference_id",
      "type",
      "id",
      "dataset_item_id",
      "model_run_id",
    ]);
    expect(wire).toMatchObject({ reference_id: "img_1", dataset_item_id: "di_1", model_run_id: "run_1" });
    const ground = objectWire({ kind: "label", label, referenceId: "img_1" }, mediaUrl, null);
    expect(ground).not.toHaveProperty("model_run_id");
  });

  it("share one hidden class for labels of one shape, so a long listing leaves no class per label behind", () => {
    setFlagsFromString("--allow-natives-syntax");
    const sameShape = new Function("a", "b", "return %HaveSameMap(a, b)") as (
      a: object,
      b: object,
    ) => boolean;
    const wires = Array.from({ length: 50 }, (_, i) =>
      labelWire(
        stored(
          `ann_${i}`,
          `{"label":"c${i % 5}","reference_id":"i_${i}","type":"box","geometry":{"x":${i}}}`,
        ),
        mediaUrl,
      ),
    );
    for (const wire of wires) expect(sameShape(wire, wires[0] as object)).toBe(true);
  });
});
