// `tornado-ts/tcpclient`: everything of @tornado-ts/tcpclient.
export * from '@tornado-ts/tcpclient';
