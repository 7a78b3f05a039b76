// `tornado-ts/ioloop`: everything of @tornado-ts/ioloop.
export * from '@tornado-ts/ioloop';
