// `tornado-ts/tcpserver`: everything of @tornado-ts/tcpserver.
export * from '@tornado-ts/tcpserver';
