// `tornado-ts/testing`: everything of @tornado-ts/testing.
export * from '@tornado-ts/testing';
