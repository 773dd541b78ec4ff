import { defineConfig } from "@playwright/test";

/**
 * The design-system gallery, served by `trunk serve` exactly as a designer runs it, checked
 * in Debian's Chromium: every section in every frame, the colour scheme and width each
 * frame claims, no console errors, and axe in light and dark. `make test` builds the gallery
 * first (`trunk build`), so the server here starts in seconds.
 */
const port = Number(process.env.GALLERY_PORT || 8088);

export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  outputDir: "../target/gallery-results",
  retries: 0,
  workers: 1,
  reporter: "list",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    viewport: { width: 1600, height: 1000 },
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
    },
  },
  webServer: {
    command: `trunk serve --port ${port} --no-autoreload`,
    cwd: "..",
    url: `http://127.0.0.1:${port}/`,
    // A cold machine compiles the gallery here (minutes); after `trunk build`, seconds.
    timeout: 15 * 60_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
