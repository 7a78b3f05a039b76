// `tornado-ts/httputil`: everything of @tornado-ts/httputil.
export * from '@tornado-ts/httputil';
