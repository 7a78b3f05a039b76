// `tornado-ts/locks`: everything of @tornado-ts/locks.
export * from '@tornado-ts/locks';
