export { HTTPServer, type CloseOptions } from './http-server';
export type { HTTPServerOptions } from './options';
export type { RequestCallback } from './callable-adapter';
