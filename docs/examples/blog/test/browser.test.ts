// The site in a real browser: headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core. Sign in and publish; two chat pages over WebSocket; two over long polling.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Blog, startBlog } from './helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const STEP_TIMEOUT = 10_000;

let browser: Browser | undefined;
/** Why Chromium is not there: each test fails with it (a failed hook would only mark them skipped). */
let missingBrowser: Error | undefined;
let blog: Blog;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  // CI installs Chromium (.ci/run); a missing browser is a failure, never a skipped test.
  if (!existsSync(CHROMIUM)) {
    missingBrowser = new Error(`Chromium not found at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
    return;
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      // Chromium refuses to start its sandbox as root (CI and these machines run as root); the
      // sandbox protects a user's machine from hostile pages, and these tests load only our own.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      // Containers often have a tiny /dev/shm, where Chromium would crash; use /tmp instead.
      '--disable-dev-shm-usage',
    ],
    timeout: 20_000,
  });
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  blog = await startBlog({ chatPollTimeout: 5_000 });
});

afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await blog.close();
});

async function newPage(): Promise<Page> {
  if (missingBrowser) throw missingBrowser;
  const context = await browser!.newContext();
  contexts.push(context);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  return page;
}

/** Sends a chat line from `from` and waits until `to` shows it. */
async function exchange(from: Page, to: Page, text: string): Promise<void> {
  await from.fill('#message', text);
  await from.click('#send');
  await to.locator('#inbox .message .body', { hasText: text }).waitFor();
  await from.locator('#inbox .message .body', { hasText: text }).waitFor();
}

describe('in Chromium', () => {
  it('signs in, publishes an article and finds it listed', async () => {
    const page = await newPage();
    await page.goto(`${blog.base}/`);
    await page.click('#sign-in-link');
    await page.fill('#username', 'demo');
    await page.fill('#password', 'demo-password');
    await page.click('#sign-in');
    await expect.poll(() => page.locator('#current-user').textContent()).toBe('Demo Author');
    await page.locator('.flash-success', { hasText: 'Welcome back, Demo Author.' }).waitFor();

    await page.click('#compose-link');
    await page.fill('#title', 'Written in a browser');
    await page.fill('#body', 'Typed by Chromium.\n\nSecond paragraph.');
    await expect.poll(() => page.locator('#body-count').textContent()).toBe('37 characters');
    await page.click('#publish');
    await page.waitForURL(`${blog.base}/article/written-in-a-browser`);
    await page.locator('.flash-success', { hasText: 'Published "Written in a browser".' }).waitFor();
    expect(await page.locator('.entry-body p').allTextContents()).toEqual(['Typed by Chromium.', 'Second paragraph.']);

    await page.click('header.site a.brand');
    const titles = await page.locator('.entry-title').allTextContents();
    expect(titles[0]).toBe('Written in a browser');
    expect(titles).toContain('Welcome to the tornado-ts blog');
    // The stylesheets came through staticUrl and applied.
    expect(await page.locator('header.site').evaluate((el) => getComputedStyle(el).display)).toBe('flex');
  }, 60_000);

  it('lets two chat pages talk over WebSocket', async () => {
    const [alice, bob] = [await newPage(), await newPage()];
    const sockets: string[] = [];
    for (const page of [alice, bob]) page.on('websocket', (socket) => sockets.push(socket.url()));
    await Promise.all([alice.goto(`${blog.base}/chat`), bob.goto(`${blog.base}/chat`)]);
    for (const page of [alice, bob]) await expect.poll(() => page.locator('#chat-status').textContent()).toBe('websocket');
    await exchange(alice, bob, 'hello from alice');
    await exchange(bob, alice, 'hi alice, bob here');
    expect(sockets).toHaveLength(2);
    expect(sockets[0]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/chat\/socket/);
    // Text is shown as text, never as markup.
    await exchange(alice, bob, '<img src=x onerror="document.title=1">');
    expect(await bob.locator('#inbox img').count()).toBe(0);
  }, 60_000);

  it('delivers by long polling with ?transport=poll, and WebSocket pages hear it too', async () => {
    const [alice, bob, carol] = [await newPage(), await newPage(), await newPage()];
    const sockets: string[] = [];
    for (const page of [alice, bob]) page.on('websocket', (socket) => sockets.push(socket.url()));
    await Promise.all([alice.goto(`${blog.base}/chat?transport=poll`), bob.goto(`${blog.base}/chat?transport=poll`), carol.goto(`${blog.base}/chat`)]);
    for (const page of [alice, bob]) await expect.poll(() => page.locator('#chat-status').textContent()).toBe('poll');
    await expect.poll(() => carol.locator('#chat-status').textContent()).toBe('websocket');
    await exchange(alice, bob, 'polled hello');
    await exchange(bob, alice, 'polled answer');
    await carol.locator('#inbox .message .body', { hasText: 'polled answer' }).waitFor();
    await exchange(carol, alice, 'from a websocket page');
    await bob.locator('#inbox .message .body', { hasText: 'from a websocket page' }).waitFor();
    expect(sockets).toEqual([]);
    // Each message shows once, in order, on a polling page.
    expect(await bob.locator('#inbox .message .body').allTextContents()).toEqual(['polled hello', 'polled answer', 'from a websocket page']);
  }, 60_000);
});
