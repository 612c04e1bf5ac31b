import { HttpError } from "./errors.js";

/** Bodies up to this size are read without asking the budget: small requests never wait. */
export const FREE_BODY_BYTES = 1024 * 1024;

/** How long a large body waits for room before the request is refused with a 503. */
export const BODY_WAIT_MS = 30_000;

/**
 * A budget of request-body bytes held in memory at once, shared by every request: a large body
 * takes room from it as it is read (its socket is not read while it waits, so TCP holds the
 * rest), and gives it back when its response is sent. Bounds what parallel uploads can cost.
 *
 * @example
 * ```ts
 * const budget = new BodyBudget(512 * 1024 * 1024);
 * const grant = budget.grant();
 * await grant.take(64 * 1024 * 1024);
 * grant.release();
 * ```
 */
export class BodyBudget {
  private used = 0;
  private readonly waiters: { bytes: number; wake: () => void }[] = [];

  constructor(
    /** Bytes that may be held at once. A single body larger than this still runs, alone. */
    readonly capacity: number,
    private readonly waitMs = BODY_WAIT_MS,
  ) {}

  /** Bytes currently held by requests. */
  get inUse(): number {
    return this.used;
  }

  /** A request's share: what it took, given back at once by {@link BodyGrant.release}. */
  grant(): BodyGrant {
    return new BodyGrant(this);
  }

  /** @internal Takes `bytes`, waiting for room; a 503 after `waitMs`. */
  async acquire(bytes: number): Promise<void> {
    if (this.fits(bytes) && this.waiters.length === 0) {
      this.used += bytes;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        bytes,
        wake: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new HttpError(503, "The server is busy reading other large uploads; retry in a minute"));
      }, this.waitMs);
      this.waiters.push(waiter);
    });
  }

  /** @internal Gives bytes back and wakes the waiters that now fit, in order. */
  release(bytes: number): void {
    this.used -= bytes;
    while (this.waiters.length > 0 && this.fits((this.waiters[0] as { bytes: number }).bytes)) {
      const next = this.waiters.shift() as { bytes: number; wake: () => void };
      this.used += next.bytes;
      next.wake();
    }
  }

  private fits(bytes: number): boolean {
    return this.used === 0 || this.used + bytes <= this.capacity;
  }
}

/** One request's share of a {@link BodyBudget}. */
export class BodyGrant {
  private held = 0;

  constructor(private readonly budget: BodyBudget) {}

  /** Takes `bytes` more, waiting for room. */
  async take(bytes: number): Promise<void> {
    await this.budget.acquire(bytes);
    this.held += bytes;
  }

  /** Gives back everything taken; safe to call twice. */
  release(): void {
    if (this.held > 0) this.budget.release(this.held);
    this.held = 0;
  }
}
