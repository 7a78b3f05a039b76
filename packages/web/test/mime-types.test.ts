import { describe, expect, it } from 'vitest';
import { contentTypeForPath, DEFAULT_CONTENT_TYPE } from '../src/mime-types';

// The content-type half of Tornado's StaticFileTest.test_static_compressed_files and
// test_static_files, plus the common web types.

describe('contentTypeForPath', () => {
  it('knows the common web types, without a charset (as Tornado)', () => {
    expect(contentTypeForPath('/srv/robots.txt')).toBe('text/plain');
    expect(contentTypeForPath('index.html')).toBe('text/html');
    expect(contentTypeForPath('a/b/site.css')).toBe('text/css');
    expect(contentTypeForPath('app.js')).toBe('text/javascript');
    expect(contentTypeForPath('app.mjs')).toBe('text/javascript');
    expect(contentTypeForPath('data.json')).toBe('application/json');
    expect(contentTypeForPath('sample.xml')).toBe('application/xml');
    expect(contentTypeForPath('logo.svg')).toBe('image/svg+xml');
    expect(contentTypeForPath('photo.jpg')).toBe('image/jpeg');
    expect(contentTypeForPath('photo.jpeg')).toBe('image/jpeg');
    expect(contentTypeForPath('icon.png')).toBe('image/png');
    expect(contentTypeForPath('favicon.ico')).toBe('image/vnd.microsoft.icon');
    expect(contentTypeForPath('font.woff2')).toBe('font/woff2');
    expect(contentTypeForPath('module.wasm')).toBe('application/wasm');
    expect(contentTypeForPath('clip.mp4')).toBe('video/mp4');
    expect(contentTypeForPath('doc.pdf')).toBe('application/pdf');
  });

  it('ignores the case of the extension', () => {
    expect(contentTypeForPath('README.TXT')).toBe('text/plain');
    expect(contentTypeForPath('PHOTO.JPG')).toBe('image/jpeg');
  });

  it('sends gzip-compressed files as application/gzip (RFC 6713)', () => {
    expect(contentTypeForPath('sample.xml.gz')).toBe('application/gzip');
    expect(contentTypeForPath('bundle.tgz')).toBe('application/gzip');
    expect(contentTypeForPath('archive.tar.gz')).toBe('application/gzip');
    expect(contentTypeForPath('ARCHIVE.GZ')).toBe('application/gzip');
  });

  it('sends files compressed otherwise (br, bzip2, xz, compress) as octet-stream', () => {
    for (const name of ['sample.xml.bz2', 'app.js.br', 'a.tar.xz', 'a.txz', 'a.Z', 'a.tbz2']) {
      expect(contentTypeForPath(name), name).toBe(DEFAULT_CONTENT_TYPE);
    }
  });

  it('falls back to application/octet-stream for unknown or missing extensions', () => {
    expect(DEFAULT_CONTENT_TYPE).toBe('application/octet-stream');
    for (const name of ['blarg', 'file.unknownext', 'dir.d/noext', '.gz', '/srv/.htaccess', 'trailing.', '']) {
      expect(contentTypeForPath(name), name).toBe(DEFAULT_CONTENT_TYPE);
    }
  });

  it('looks only at the last path segment', () => {
    expect(contentTypeForPath('/srv/site.html/data')).toBe(DEFAULT_CONTENT_TYPE);
    expect(contentTypeForPath('C:\\site.css\\x.png')).toBe('image/png');
  });
});
