import { expect, type Page } from '@playwright/test';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';

/**
 * Opens a report.html in Debian's chromium, runs `body` on the page, then
 * asserts what every report must satisfy: no script error, and no request
 * other than the file itself (the report is self-contained).
 */
export async function withReportPage(file: string, body: (page: Page) => Promise<void>): Promise<void> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${file}`);
    await body(page);
    expect(errors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
  } finally {
    await browser.close();
  }
}
