// `tornado-ts/httpclient`: everything of @tornado-ts/httpclient.
export * from '@tornado-ts/httpclient';
