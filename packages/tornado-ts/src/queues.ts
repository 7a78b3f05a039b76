// `tornado-ts/queues`: everything of @tornado-ts/queues.
export * from '@tornado-ts/queues';
