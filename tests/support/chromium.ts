/** Debian's Chromium, launched through Playwright (its own browser download is not available here). */
export const CHROMIUM_PATH = process.env.MCX_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
