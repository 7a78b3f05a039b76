// SECURITY-HISTORY 6.5.6 (CVE-2026-49854: Tornado's C speedups read past the end of the array
// while unmasking): fuzz the masking and unmasking code at every payload length from 0 to 7 and
// around the length-encoding boundaries. We unmask with ws's code (its JS path, or bufferutil when
// installed), so the test drives it end to end: a raw client frames and masks by hand with random
// masks, the server unmasks, echoes, and the echo must be exact. It also replaces Tornado's
// MaskFunctionMixin (test_mask), whose known vectors are checked the same way below.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketHandler, type WebSocketMessage } from '../src/index';
import { clientFrame, closeAll, RawClient, startApp, type TestApp } from './helpers';

class EchoHandler extends WebSocketHandler {
  override onMessage(message: WebSocketMessage) {
    return this.writeMessage(message);
  }
}

let app: TestApp;
let client: RawClient;

beforeAll(async () => {
  app = await startApp([['/echo', EchoHandler]], { websocketMaxMessageSize: 128 * 1024 });
  client = (await RawClient.upgrade(app.port, '/echo')).client;
});
afterAll(closeAll);

async function echo(payload: Buffer, mask?: Buffer, opcode = 2): Promise<Buffer> {
  client.send(clientFrame(opcode, payload, { mask }));
  const frame = await client.readFrame();
  expect(frame.opcode).toBe(opcode);
  return frame.payload;
}

describe('masking fuzz', () => {
  const lengths = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 124, 125, 126, 127, 65_535, 65_536, 65_537];

  it.each(lengths)('echoes a %i-byte binary payload exactly under 20 random masks', async (length) => {
    for (let round = 0; round < 20; round++) {
      const payload = randomBytes(length);
      const echoed = await echo(payload);
      expect(echoed.length).toBe(length);
      expect(echoed.equals(payload)).toBe(true);
    }
  });

  it('echoes payloads of 0-7 bytes of high-bit and zero bytes under every mask with those bytes', async () => {
    const masks = [Buffer.from([0, 0, 0, 0]), Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from([0x80, 0x00, 0x7f, 0x01])];
    for (const mask of masks) {
      for (let length = 0; length <= 7; length++) {
        for (const fill of [0x00, 0xff, 0x80]) {
          const payload = Buffer.alloc(length, fill);
          expect((await echo(payload, mask)).equals(payload)).toBe(true);
        }
      }
    }
  });

  it("unmasks Tornado's test_mask vectors (the frame carries data XOR mask)", async () => {
    // Tornado's mask(mask, data) vectors; the client sends mask(mask, data) masked with `mask`, so
    // the server must unmask back to `data`.
    const vectors: [string, Buffer, Buffer][] = [
      ['abcd', Buffer.from('b'), Buffer.from([0x03])],
      ['abcd', Buffer.from('54321'), Buffer.from('TVPVP')],
      ['ZXCV', Buffer.from('98765432'), Buffer.from('c`t`olpd')],
    ];
    for (const [mask, data, masked] of vectors) {
      const maskBytes = Buffer.from(mask);
      const xored = Buffer.from(data.map((byte, i) => byte ^ maskBytes[i & 3]));
      expect(xored.equals(masked)).toBe(true);
      expect((await echo(data, maskBytes)).equals(data)).toBe(true);
    }
    const pairs: [Buffer, Buffer][] = [
      [Buffer.from([0x00, 0x01, 0x02, 0x03]), Buffer.from([0xff, 0xfb, 0xfd, 0xfc, 0xfe, 0xfa])],
      [Buffer.from([0xff, 0xfb, 0xfd, 0xfc]), Buffer.from([0x00, 0x01, 0x02, 0x03, 0x04, 0x05])],
    ];
    for (const [mask, data] of pairs) expect((await echo(data, mask)).equals(data)).toBe(true);
  });

  it('echoes text frames of 0-7 UTF-8 bytes exactly', async () => {
    for (const text of ['', 'a', 'é', '€', '😀', 'a😀', 'é€a', 'abc😀']) {
      expect((await echo(Buffer.from(text), undefined, 1)).toString()).toBe(text);
    }
  });
});
