import { describe, expect, it } from "vitest";
import { random } from "../../../bench/workload.mjs";
import { CocoInputError } from "../errors.js";
import { evaluateCoco } from "../evaluate.js";
import type { CocoDetection } from "../types.js";
import { readJsonNumber } from "./number.js";
import { CocoResultsParser, parseCocoResults } from "./parse.js";
import { type CocoResults, toCocoResults } from "./results.js";

const encode = (text: string) => new TextEncoder().encode(text);

/** What readJsonNumber makes of the whole text (NaN if it stops early). */
function read(text: string): number {
  const at = { pos: 0 };
  const value = readJsonNumber(encode(text), at);
  return at.pos === text.length ? value : Number.NaN;
}

/** The decimal expansion of the point halfway between `x` and the next double up. */
function halfwayAbove(x: number): string {
  const words = new Uint32Array(new Float64Array([x]).buffer);
  const exponent = (((words[1] as number) >>> 20) & 0x7ff) - 1075;
  const mantissa = (BigInt((words[1] as number) & 0xfffff) << 32n) + BigInt(words[0] as number) + (1n << 52n);
  const twice = mantissa * 2n + 1n; // halfway = twice * 2^(exponent - 1)
  const scale = 1 - exponent;
  const digits = (twice * 5n ** BigInt(scale)).toString().padStart(scale + 1, "0");
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

describe("readJsonNumber", () => {
  it("gives JSON.parse's double for every kind of number", () => {
    const rnd = random(11);
    const bits = new Float64Array(1);
    const words = new Uint32Array(bits.buffer);
    const texts: string[] = [];
    for (let i = 0; i < 40_000; i += 1) {
      texts.push(JSON.stringify(rnd() * 1000)); // shortest round trip: 16-17 digits
      texts.push(JSON.stringify((rnd() - 0.5) * 10 ** Math.floor(rnd() * 40 - 20)));
      words[0] = Math.floor(rnd() * 2 ** 32);
      words[1] = Math.floor(rnd() * 2 ** 32) & 0x7fefffff;
      texts.push(JSON.stringify(bits[0]));
      texts.push((rnd() * 1000).toFixed(Math.floor(rnd() * 20)));
      texts.push((rnd() * 1000).toPrecision(19)); // 19 digits: the widest exact path
      const digits = Array.from({ length: 1 + Math.floor(rnd() * 21) }, () => Math.floor(rnd() * 10)).join(
        "",
      );
      const point = Math.floor(rnd() * digits.length);
      const trimmed = digits.replace(/^0+(?=\d)/, "");
      texts.push(
        point > 0 && point < trimmed.length ? `${trimmed.slice(0, point)}.${trimmed.slice(point)}` : trimmed,
      );
      texts.push(`0.${digits}`);
      texts.push(`${Math.floor(rnd() * 1e6)}e${Math.floor(rnd() * 60 - 30)}`);
    }
    for (let i = 0; i < 2_000; i += 1) {
      const halfway = halfwayAbove(rnd() * 1000);
      texts.push(halfway, halfway.slice(0, 20), `${halfway.slice(0, 20)}1`);
    }
    texts.push(
      ...["0", "-0", "0.0", "-0.0", "1e23", "9007199254740993", "9007199254740992", "18014398509481985"],
      ...["123456789012345678", "1234567890123456789", "12345678901234567890", "0.1", "0.30000000000000004"],
      ...["2.2250738585072014e-308", "5e-324", "1.7976931348623157e308", "1e400", "-1e400", "1E+2", "1e-22"],
      ...["1e22", "1e-23", "7.0000000000000000005", "4.35679719257946e-7", "0.000000000000000000001"],
    );
    const wrong = texts.filter((text) => !Object.is(read(text), JSON.parse(text)));
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("refuses what JSON's grammar refuses, or stops where a number ends", () => {
    for (const text of ["-", "1.", ".5", "1e", "1e+", "+1", "-.5", "a"]) expect(read(text), text).toBeNaN();
    for (const [text, end] of [
      ["01", 1],
      ["1.5.2", 3],
      ["2]", 1],
      ["-3,", 2],
    ] as const) {
      const at = { pos: 0 };
      readJsonNumber(encode(text), at);
      expect(at.pos, text).toBe(end);
    }
  });
});

const columns = (results: CocoResults) => ({
  length: results.length,
  imageIds: [...results.imageIds],
  categoryIds: [...results.categoryIds],
  scores: [...results.scores],
  boxes: [...results.boxes],
  hasBox: [...results.hasBox],
  segmentations: results.segmentations,
});

/** parseCocoResults must give what packing JSON.parse's array gives, error or result. */
function expectLikeJsonParse(text: string) {
  let expected: unknown;
  try {
    expected = columns(toCocoResults(JSON.parse(text)));
  } catch (error) {
    expected = error;
  }
  let actual: unknown;
  try {
    actual = columns(parseCocoResults(text));
  } catch (error) {
    actual = error;
  }
  if (expected instanceof Error) {
    expect(actual).toBeInstanceOf(expected.constructor);
    expect((actual as Error).message).toBe(expected.message);
  } else expect(actual).toEqual(expected);
}

describe("parseCocoResults", () => {
  it("reads what JSON.parse reads, in any layout", () => {
    expectLikeJsonParse("[]");
    expectLikeJsonParse(" \n[ ]\t");
    expectLikeJsonParse(
      '[{"image_id": 1, "category_id": 18, "bbox": [258.15, 41.29, 348.26, 243.78], "score": 0.236}]',
    );
    expectLikeJsonParse(
      '[\n  {\n    "score": 0.5,\n    "bbox": [1, 2, 3, 4],\n    "category_id": 2,\n    "image_id": 7\n  }\n]\n',
    );
    // Other fields of any shape, a box given twice (the last counts), no box, an empty box.
    expectLikeJsonParse(
      '[{"image_id":1,"category_id":1,"bbox":[9,9,9,9],"score":1,"id":5,"area":3.5,"iscrowd":0,"extra":{"a":[true,false,null,"x\\"y\\u00e9"]},"bbox":[0,0,2,2]},' +
        '{"image_id":2,"category_id":1,"score":0.25},{"image_id":3,"category_id":1,"score":0.5,"bbox":[]}]',
    );
    // Segmentations kept, polygons or RLE.
    expectLikeJsonParse(
      '[{"image_id":1,"category_id":1,"score":1,"segmentation":[[0,0,5,0,5,5]]},{"image_id":1,"category_id":1,"score":1,"segmentation":{"size":[4,4],"counts":"02"}}]',
    );
    // An escaped key is the same key for JSON.parse.
    expectLikeJsonParse('[{"image_id":1,"category_id":1,"bbox":[0,0,1,1],"sc\\u006fre":0.75}]');
    expectLikeJsonParse('\uFEFF[{"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":1}]');
  });

  it("gives JSON.parse's SyntaxError for text that is not JSON", () => {
    for (const text of [
      "",
      "[",
      "[{]",
      '[{"image_id":1,}]',
      "[1,]",
      "[01]",
      '[{"a":tru}]',
      "[] x",
      '["\u0001"]',
    ])
      expectLikeJsonParse(text);
  });

  it("gives the errors a results array gives", () => {
    expectLikeJsonParse('{"image_id": 1}');
    expectLikeJsonParse("[null]");
    expectLikeJsonParse('[{"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":"high"}]');
    expectLikeJsonParse('[{"image_id":"1","category_id":1,"bbox":[0,0,1,1],"score":1}]');
    expectLikeJsonParse('[{"image_id":1,"category_id":1,"bbox":[0,0,1],"score":1}]');
    expectLikeJsonParse(
      '[{"image_id":1,"category_id":1,"bbox":[0,0,1,1],"score":1},{"image_id":1,"score":1}]',
    );
  });

  it("evaluates to the same numbers and messages as the results array", () => {
    const gt = {
      images: [{ id: 1 }],
      categories: [{ id: 1 }],
      annotations: [{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100 }],
    };
    const cases: CocoDetection[][] = [
      [{ image_id: 1, category_id: 1, bbox: [0, 0, 10, 9], score: 0.5 }],
      [{ image_id: 2, category_id: 1, bbox: [0, 0, 10, 9], score: 0.5 }],
      [{ image_id: 1, category_id: 1, bbox: [0, 0, -1, 9], score: 0.5 }],
      [{ image_id: 1, category_id: 1, score: 0.5 }],
      [{ image_id: 1, category_id: 7, bbox: [0, 0, 10, 9], score: 0.5 }],
    ];
    for (const detections of cases) {
      const outcome = (input: CocoDetection[] | CocoResults) => {
        try {
          const { stats, warnings } = evaluateCoco(gt, input);
          return { stats, warnings };
        } catch (error) {
          return { error: error instanceof CocoInputError && error.message };
        }
      };
      expect(outcome(parseCocoResults(JSON.stringify(detections)))).toEqual(outcome(detections));
    }
  });
});

describe("CocoResultsParser", () => {
  const text =
    '[{"image_id": 1, "category_id": 2, "bbox": [0.5, 1e2, 3, 4], "score": 0.125}, {"image_id": 3, "category_id": 4, "bbox": [5, 6, 7, 8.25], "score": 1}]';

  it("reads chunks split anywhere, even inside a number or a key", () => {
    const bytes = encode(text);
    const whole = columns(parseCocoResults(bytes));
    for (let cut = 1; cut < bytes.length; cut += 1) {
      const parser = new CocoResultsParser();
      parser.write(bytes.subarray(0, cut));
      parser.write(bytes.subarray(cut));
      expect(columns(parser.end()), `cut at ${cut}`).toEqual(whole);
    }
  });

  it("throws SyntaxError with the byte position for invalid JSON, and refuses writes after end", () => {
    const parser = new CocoResultsParser();
    parser.write(encode('[{"image_id": 1,'));
    parser.write(encode(', "score": 1}]'));
    expect(() => parser.end()).toThrow(/invalid JSON at byte 16/);
    const done = new CocoResultsParser();
    done.write(encode("[]"));
    done.end();
    expect(() => done.write(encode(" "))).toThrow(/after end/);
    const truncated = new CocoResultsParser();
    truncated.write(encode(text.slice(0, 40)));
    expect(() => truncated.end()).toThrow(SyntaxError);
  });
});
