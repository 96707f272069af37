/** Thrown by a handler to ask for the next attempt after a given delay (e.g. an HTTP Retry-After). */
export class RetryLater extends Error {
  constructor(message: string, readonly delayMs: number) {
    super(message);
    this.name = "RetryLater";
  }
}

/** Thrown by a handler when retrying cannot help: the job is marked dead at once. */
export class PermanentFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentFailure";
  }
}
