/** Where a promise stands once the microtasks queued so far have run. */
export async function promiseState(promise: Promise<unknown>): Promise<'pending' | 'fulfilled' | 'rejected'> {
  const marker = Symbol('pending');
  return Promise.race([promise, marker]).then((v) => (v === marker ? 'pending' : 'fulfilled'), () => 'rejected');
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
