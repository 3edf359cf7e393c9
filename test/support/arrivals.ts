// Things that arrive on their own (DAP events), taken one by one in their order.
export class Arrivals<T> {
  private readonly queued: T[] = [];
  private wake?: () => void;

  push(item: T): void {
    this.queued.push(item);
    this.wake?.();
  }

  /** The next item, or undefined after `quietMs` without one. */
  async next(quietMs: number): Promise<T | undefined> {
    if (this.queued.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, quietMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.queued.shift();
  }

  /** The items queued now, without waiting. */
  drain(): T[] {
    return this.queued.splice(0);
  }
}
