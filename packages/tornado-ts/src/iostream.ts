// `tornado-ts/iostream`: everything of @tornado-ts/iostream.
export * from '@tornado-ts/iostream';
