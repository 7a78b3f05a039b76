// `tornado-ts/httpserver`: everything of @tornado-ts/httpserver.
export * from '@tornado-ts/httpserver';
