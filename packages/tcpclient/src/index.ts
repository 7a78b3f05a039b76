export { TCPClient, type TCPClientConnectOptions, type TLSClientOptions } from './tcpclient';
export {
  DefaultResolver,
  type Resolver,
  type ResolvedAddress,
  type AddressFamily,
  type DefaultResolverOptions,
  type LookupAllFunction,
} from './resolver';
export { OverrideResolver, type OverrideResolverOptions, type OverrideMapping, type OverrideKey, type OverrideTarget } from './override-resolver';
export { isValidIp } from './is-valid-ip';
export { ResolveError, ConnectError } from './errors';
