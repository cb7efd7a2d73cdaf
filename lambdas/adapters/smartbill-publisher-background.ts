import type { SmartBillPublisher, SmartBillRenderJob } from '../app/smartbill/ports.js';

/** Options of {@link BackgroundSmartBillPublisher}. */
export interface BackgroundSmartBillPublisherOptions {
  /** Renders and stores one page (`renderAndStore` with the local store). */
  readonly run: (job: SmartBillRenderJob) => Promise<unknown>;
  /** Told of a page that could not be made (metadata only: the error, never the bill). */
  readonly onError: (error: unknown) => void;
}

/**
 * The local publisher: the page is rendered in the background of the process that priced the bill
 * (the writes to the page store and the gate are what it waits on, not the CPU). Only for a long-lived
 * process (`npm start`): a Lambda execution environment freezes when the handler returns, which is
 * why AWS uses the renderer function instead.
 */
export class BackgroundSmartBillPublisher implements SmartBillPublisher {
  readonly #run: BackgroundSmartBillPublisherOptions['run'];
  readonly #onError: BackgroundSmartBillPublisherOptions['onError'];
  readonly #pending = new Set<Promise<void>>();

  /**
   * @param options - the render function and the error sink
   */
  public constructor(options: BackgroundSmartBillPublisherOptions) {
    this.#run = options.run;
    this.#onError = options.onError;
  }

  /**
   * Starts rendering and returns at once.
   *
   * @param job - the page to make
   */
  public async publish(job: SmartBillRenderJob): Promise<void> {
    const running: Promise<void> = this.#run(job).then(
      () => undefined,
      (error: unknown) => this.#onError(error),
    );
    this.#pending.add(running);
    void running.finally(() => this.#pending.delete(running));
  }

  /** Pages still being made. */
  public get pending(): number {
    return this.#pending.size;
  }

  /**
   * Waits for every page started so far.
   *
   * @returns once they are stored (or failed and reported)
   */
  public async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }
}
