// `tornado-ts/escape`: everything of @tornado-ts/escape.
export * from '@tornado-ts/escape';
