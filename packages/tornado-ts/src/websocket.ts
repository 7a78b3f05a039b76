// `tornado-ts/websocket`: everything of @tornado-ts/websocket.
export * from '@tornado-ts/websocket';
