// The store's one error class and the logger it reports recoveries to.

export class StoreError extends Error {
  constructor(
    message: string,
    readonly code: 'locked' | 'corrupt' | 'schema' | 'io',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export interface StoreLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  info?(obj: object, msg: string): void;
}
