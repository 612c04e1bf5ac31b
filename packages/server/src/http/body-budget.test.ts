import { describe, expect, it } from "vitest";
import { BodyBudget } from "./body-budget.js";

describe("BodyBudget", () => {
  it("lets bodies in while they fit, queues the rest in order, and refuses after the wait", async () => {
    const budget = new BodyBudget(100, 50);
    const a = budget.grant();
    const b = budget.grant();
    const c = budget.grant();
    await a.take(60);
    let bIn = false;
    const bTaken = b.take(60).then(() => {
      bIn = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(bIn).toBe(false);
    expect(budget.inUse).toBe(60);
    a.release();
    await bTaken;
    expect(budget.inUse).toBe(60);
    await expect(c.take(60)).rejects.toMatchObject({ status: 503 });
    b.release();
    b.release();
    expect(budget.inUse).toBe(0);
  });

  it("lets one body larger than the whole budget in alone", async () => {
    const budget = new BodyBudget(100, 50);
    const big = budget.grant();
    await big.take(500);
    expect(budget.inUse).toBe(500);
    big.release();
    expect(budget.inUse).toBe(0);
  });
});
