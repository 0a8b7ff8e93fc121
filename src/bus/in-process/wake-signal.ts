// Wakes a sleeping partition loop as soon as something is published to it (in-process notify), with a
// timeout so the loop still polls (restart recovery, rows inserted by another process).
export class WakeSignal {
  #pending = false;
  #wake: (() => void) | undefined;

  notify(): void {
    this.#pending = true;
    this.#wake?.();
  }

  /** Resolves on notify (or at once if notified since the last wait) or after `ms`. */
  async wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.#wake = undefined;
    this.#pending = false;
  }
}
