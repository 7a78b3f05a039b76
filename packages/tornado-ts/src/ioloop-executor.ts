// `tornado-ts/ioloop/executor`: everything of @tornado-ts/ioloop/executor.
export * from '@tornado-ts/ioloop/executor';
