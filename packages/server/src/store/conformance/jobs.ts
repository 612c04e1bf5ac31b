import { describe, expect, it } from "vitest";
import type { NucleusStore } from "../store.js";
import { OTHER_TENANT, type StoreBackend, TENANT, useStore } from "./harness.js";

const spec = { type: "uploadDatasetItems", datasetId: "ds_1", mediaKey: "k", update: false } as const;
const newJob = (datasetId: string | null = "ds_1", type = "uploadDatasetItems") => ({
  datasetId,
  type,
  spec,
});
const lease = (owner: string, durationMs = 60_000) => ({ owner, durationMs });
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function jobs(store: NucleusStore, count: number) {
  const created = [];
  for (let i = 0; i < count; i += 1) created.push(await store.jobs.create(TENANT, newJob()));
  return created;
}

/** Jobs: records, listing filters, and leases (claims, renewals, expiry, owner-checked updates). */
export function jobConformance(backend: StoreBackend): void {
  describe("jobs", () => {
    const fixture = useStore(backend);

    it("create running jobs (or jobs done at once) as decoded records", async () => {
      const { store } = fixture;
      const job = await store.jobs.create(TENANT, newJob());
      expect(job).toMatchObject({
        tenant: TENANT,
        datasetId: "ds_1",
        type: "uploadDatasetItems",
        status: "Running",
        message: "Job is running.",
        completedSteps: 0,
        totalSteps: 0,
        errors: [],
        spec,
        attempts: 0,
        lease: null,
      });
      expect(await store.jobs.get(TENANT, job.id)).toEqual(job);
      expect(await store.jobs.get(OTHER_TENANT, job.id)).toBeUndefined();
      const done = await store.jobs.create(TENANT, {
        datasetId: "ds_1",
        type: "annotationDeletion",
        spec: {},
        done: { message: { deleted: 3 } },
      });
      expect(done).toMatchObject({
        status: "Completed",
        message: { deleted: 3 },
        completedSteps: 1,
        totalSteps: 1,
      });
      expect(await store.jobs.claim(done.id, lease("a"))).toBeUndefined();
    });

    it("list a tenant's jobs in creation order, by dataset, type and completion, up to a limit", async () => {
      const { store } = fixture;
      const [a, b] = await jobs(store, 2);
      const c = await store.jobs.create(TENANT, newJob("ds_2", "uploadAnnotations"));
      const d = await store.jobs.create(TENANT, { ...newJob(), done: { message: null } });
      await store.jobs.create(OTHER_TENANT, newJob());
      const ids = (filter: Parameters<NucleusStore["jobs"]["list"]>[1]) =>
        store.jobs.list(TENANT, filter).then((list) => list.map((job) => job.id));
      expect(await ids({ showCompleted: true, limit: 100 })).toEqual([a?.id, b?.id, c.id, d.id]);
      expect(await ids({ showCompleted: false, limit: 100 })).toEqual([a?.id, b?.id, c.id]);
      expect(await ids({ datasetId: "ds_2", showCompleted: true, limit: 100 })).toEqual([c.id]);
      expect(await ids({ types: ["uploadAnnotations"], showCompleted: true, limit: 100 })).toEqual([c.id]);
      expect(await ids({ showCompleted: true, limit: 2 })).toEqual([a?.id, b?.id]);
    });

    it("let one owner at a time claim a running job, counting attempts", async () => {
      const { store } = fixture;
      const [job] = await jobs(store, 1);
      const id = job?.id as string;
      const claimed = await store.jobs.claim(id, lease("a"));
      expect(claimed?.attempts).toBe(1);
      expect(claimed?.lease?.owner).toBe("a");
      expect(claimed?.lease?.expiresAt).toBeGreaterThan(Date.now());
      expect(await store.jobs.claim(id, lease("b"))).toBeUndefined();
      expect(await store.jobs.claimNext(lease("b"))).toBeUndefined();
    });

    it("let another owner claim a job once its lease expired, and refuse the old owner's reports", async () => {
      const { store } = fixture;
      const [job] = await jobs(store, 1);
      const id = job?.id as string;
      await store.jobs.claim(id, lease("dead", 20));
      await later(40);
      const again = await store.jobs.claimNext(lease("b"));
      expect(again).toMatchObject({ id, attempts: 2, lease: { owner: "b" } });
      expect(await store.jobs.update(id, "dead", { completedSteps: 5 })).toBe(false);
      expect(await store.jobs.update(id, "b", { completedSteps: 3, totalSteps: 9, errors: ["e1"] })).toBe(
        true,
      );
      expect(await store.jobs.get(TENANT, id)).toMatchObject({
        completedSteps: 3,
        totalSteps: 9,
        errors: ["e1"],
      });
    });

    it("claim the oldest claimable job first, skipping held ones", async () => {
      const { store } = fixture;
      const [a, b, c] = await jobs(store, 3);
      await store.jobs.claim(a?.id as string, lease("x"));
      expect((await store.jobs.claimNext(lease("y")))?.id).toBe(b?.id);
      expect((await store.jobs.claimNext(lease("y")))?.id).toBe(c?.id);
      expect(await store.jobs.claimNext(lease("y"))).toBeUndefined();
    });

    it("renew only the leases an owner holds, and end the lease with the job", async () => {
      const { store } = fixture;
      const [a, b] = await jobs(store, 2);
      const held = await store.jobs.claim(a?.id as string, lease("x", 50));
      await store.jobs.claim(b?.id as string, lease("y", 50));
      expect(await store.jobs.renew([a?.id as string, b?.id as string], lease("x", 60_000))).toEqual([a?.id]);
      const renewed = await store.jobs.get(TENANT, a?.id as string);
      expect(renewed?.lease?.expiresAt).toBeGreaterThan((held?.lease?.expiresAt as number) + 1_000);
      expect(
        await store.jobs.update(a?.id as string, "x", { status: "Completed", message: { ok: true } }),
      ).toBe(true);
      const done = await store.jobs.get(TENANT, a?.id as string);
      expect(done).toMatchObject({ status: "Completed", message: { ok: true }, lease: null });
      expect(await store.jobs.renew([a?.id as string], lease("x"))).toEqual([]);
      await later(80);
      expect(await store.jobs.claim(a?.id as string, lease("z"))).toBeUndefined();
    });

    it("count the jobs waiting for a runner and those held, of every tenant", async () => {
      const { store } = fixture;
      expect(await store.jobs.depth()).toEqual({ queued: 0, running: 0 });
      const [a, b] = await jobs(store, 3);
      await store.jobs.create(OTHER_TENANT, newJob());
      await store.jobs.create(TENANT, { ...newJob(), done: { message: null } });
      await store.jobs.claim(a?.id as string, lease("x"));
      await store.jobs.claim(b?.id as string, lease("y", 10));
      await later(30);
      expect(await store.jobs.depth()).toEqual({ queued: 3, running: 1 });
    });

    it("give a job to exactly one of two stores claiming it at once", async () => {
      const { store, openAnother } = fixture;
      const another = await openAnother();
      await jobs(store, 1);
      const claims = await Promise.all([
        store.jobs.claimNext(lease("p1")),
        another.jobs.claimNext(lease("p2")),
      ]);
      expect(claims.filter((claim) => claim !== undefined)).toHaveLength(1);
    });
  });
}
