// What a person on a mid-range phone feels: Chromium with a 4× CPU slowdown and a slow 4G
// network (150 ms round trip, 1.6 Mbps down, 750 kbps up), a cold cache and a 390×844
// viewport. For each page: time to first byte, first contentful paint, largest contentful
// paint, and the time until the page answers its first click (the header's menu button
// toggles, which needs the page's code to have loaded and woken it). Median of N runs.
//
// A measurement, not a test: it prints a markdown table and never fails on a slow figure.
//
//   node bench/phone.mjs [--runs 5] "name|url" ["name|url" ...]
//
// A row whose page has no menu button (a bare baseline) shows "—" for the click: nothing
// there can answer one.
import { chromium } from "@playwright/test";

const args = process.argv.slice(2);
let runs = 5;
const subjects = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--runs") runs = Number(args[++i]);
  else {
    const [name, url] = args[i].split("|");
    subjects.push({ name, url });
  }
}
if (subjects.length === 0) {
  console.error('usage: node bench/phone.mjs [--runs 5] "name|url" ...');
  process.exit(2);
}

const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1000 * 1000) / 8,
  uploadThroughput: (750 * 1000) / 8,
};

// Installed before any page script: records paints, the largest paint, and keeps clicking
// the menu button (every 25 ms) until it answers, then closes it again.
const PROBE = `
  window.__phone = { lcp: null, click: null };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__phone.lcp = entry.startTime;
  }).observe({ type: "largest-contentful-paint", buffered: true });
  const poll = () => {
    const button = document.querySelector("[data-testid=menu-toggle]");
    if (button) {
      button.click();
      if (button.getAttribute("aria-expanded") === "true") {
        window.__phone.click = performance.now();
        button.click();
        return;
      }
    }
    if (performance.now() < 60000) setTimeout(poll, 25);
  };
  document.addEventListener("DOMContentLoaded", poll);
`;

async function measure(browser, url) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.addInitScript(PROBE);
  await page.goto(url, { waitUntil: "load", timeout: 120_000 });
  const hasMenu = (await page.locator("[data-testid=menu-toggle]").count()) > 0;
  if (hasMenu) {
    await page.waitForFunction(() => window.__phone.click !== null, null, { timeout: 60_000 });
  }
  // The largest paint is final once the page is interactive and idle; a short settle.
  await page.waitForTimeout(500);
  const figures = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const fcp = performance.getEntriesByName("first-contentful-paint")[0];
    return {
      ttfb: nav.responseStart,
      fcp: fcp ? fcp.startTime : null,
      lcp: window.__phone.lcp,
      click: window.__phone.click,
      transfer: performance
        .getEntriesByType("resource")
        .concat([nav])
        .reduce((sum, entry) => sum + (entry.transferSize || 0), 0),
    };
  });
  await context.close();
  return { ...figures, click: hasMenu ? figures.click : null };
}

const median = (values) => {
  const present = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  return present.length ? present[Math.floor((present.length - 1) / 2)] : null;
};
const ms = (v) => (v === null ? "—" : `${Math.round(v)}`);
const kb = (v) => (v === null ? "—" : `${Math.round(v / 1000)}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
console.log(`| page | TTFB ms | FCP ms | LCP ms | first click answered ms | bytes over the wire KB |`);
console.log(`|---|---:|---:|---:|---:|---:|`);
try {
  for (const subject of subjects) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await measure(browser, subject.url));
    const pick = (key) => median(samples.map((s) => s[key]));
    console.log(
      `| ${subject.name} | ${ms(pick("ttfb"))} | ${ms(pick("fcp"))} | ${ms(pick("lcp"))} | ${ms(pick("click"))} | ${kb(pick("transfer"))} |`,
    );
  }
} finally {
  await browser.close();
}
