// `tornado-ts/web`: everything of @tornado-ts/web.
export * from '@tornado-ts/web';
