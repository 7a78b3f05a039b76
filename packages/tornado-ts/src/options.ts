// `tornado-ts/options`: everything of @tornado-ts/options.
export * from '@tornado-ts/options';
