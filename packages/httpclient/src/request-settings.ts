import type { TLSClientOptions } from '@tornado-ts/tcpclient';
import type { HeaderCallback, HTTPRequest, HTTPRequestSettings, PEMInput, StreamingCallback } from './http-request';

/**
 * A request's settings with the client's defaults filled in, read once per fetch into plain fields
 * (Tornado's `_RequestProxy`, without a lookup per use).
 */
export class RequestSettings {
  readonly authUsername: string | undefined;
  readonly authPassword: string;
  readonly authMode: string | undefined;
  /** 0: no limit. */
  readonly connectTimeout: number;
  /** 0: no limit. */
  readonly requestTimeout: number;
  readonly followRedirects: boolean;
  readonly maxRedirects: number;
  readonly userAgent: string | undefined;
  readonly decompressResponse: boolean;
  readonly networkInterface: string | undefined;
  readonly streamingCallback: StreamingCallback | undefined;
  readonly headerCallback: HeaderCallback | undefined;
  readonly proxyHost: string | undefined;
  readonly proxyPort: number | undefined;
  readonly proxyUsername: string | undefined;
  readonly proxyPassword: string;
  readonly proxyAuthMode: string | undefined;
  readonly allowNonstandardMethods: boolean;
  readonly validateCert: boolean;
  readonly ca: PEMInput | undefined;
  readonly clientKey: PEMInput | undefined;
  readonly clientCert: PEMInput | undefined;
  readonly tls: TLSClientOptions | undefined;
  readonly allowIpv6: boolean | undefined;
  /** No proxy, TLS material, source address or family: the connection depends on the URL alone. */
  readonly direct: boolean;

  constructor(request: HTTPRequest, defaults: Readonly<HTTPRequestSettings>) {
    this.authUsername = request.authUsername ?? defaults.authUsername;
    this.authPassword = request.authPassword ?? defaults.authPassword ?? '';
    this.authMode = request.authMode ?? defaults.authMode;
    this.connectTimeout = request.connectTimeout ?? defaults.connectTimeout ?? 0;
    this.requestTimeout = request.requestTimeout ?? defaults.requestTimeout ?? 0;
    this.followRedirects = (request.followRedirects ?? defaults.followRedirects) !== false;
    this.maxRedirects = request.maxRedirects ?? defaults.maxRedirects ?? 5;
    this.userAgent = request.userAgent ?? defaults.userAgent;
    this.decompressResponse = (request.decompressResponse ?? defaults.decompressResponse) === true;
    this.networkInterface = request.networkInterface ?? defaults.networkInterface;
    this.streamingCallback = request.streamingCallback ?? defaults.streamingCallback;
    this.headerCallback = request.headerCallback ?? defaults.headerCallback;
    this.proxyHost = request.proxyHost ?? defaults.proxyHost;
    this.proxyPort = request.proxyPort ?? defaults.proxyPort;
    this.proxyUsername = request.proxyUsername ?? defaults.proxyUsername;
    this.proxyPassword = request.proxyPassword ?? defaults.proxyPassword ?? '';
    this.proxyAuthMode = request.proxyAuthMode ?? defaults.proxyAuthMode;
    this.allowNonstandardMethods = (request.allowNonstandardMethods ?? defaults.allowNonstandardMethods) === true;
    this.validateCert = (request.validateCert ?? defaults.validateCert) !== false;
    this.ca = request.ca ?? defaults.ca;
    this.clientKey = request.clientKey ?? defaults.clientKey;
    this.clientCert = request.clientCert ?? defaults.clientCert;
    this.tls = request.tls ?? defaults.tls;
    this.allowIpv6 = request.allowIpv6 ?? defaults.allowIpv6;
    this.direct =
      (this.proxyHost === undefined || this.proxyHost === '') &&
      this.networkInterface === undefined &&
      this.allowIpv6 !== false &&
      this.validateCert &&
      this.ca === undefined &&
      this.clientKey === undefined &&
      this.clientCert === undefined &&
      this.tls === undefined;
  }
}
