import { test as base, expect, type ConsoleMessage, type Page } from "@playwright/test";

/**
 * Shared test fixture: every test's page is watched for console errors, uncaught page
 * errors and Content-Security-Policy violations, and the test fails at the end if any
 * happened. A test that expects a particular console error (the browser logs one for a
 * deliberate 404 document, for instance) declares it with `pageProblems.allow(...)`.
 */

export interface CspViolation {
  directive: string;
  blockedURI: string;
  sourceFile: string;
  line: number;
  sample: string;
  documentURI: string;
}

export interface PageProblems {
  /** Everything seen so far, already formatted for a failure message. */
  readonly list: string[];
  /** Tolerate console errors whose text (or source URL) matches `pattern`. */
  allow(pattern: RegExp, reason: string): void;
  /** Brings in CSP violations the page recorded that have not reached `list` yet. */
  collect(): Promise<void>;
  /** Fails now (with a readable list) if anything went wrong so far. */
  expectNone(): Promise<void>;
}

/** Installed before any page script runs; survives navigations (re-run on each document). */
function watchCspViolations() {
  const w = window as unknown as {
    __cspViolations?: unknown[];
    __reportCspViolation?: (v: unknown) => void;
  };
  w.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    const v = {
      directive: e.effectiveDirective || e.violatedDirective,
      blockedURI: e.blockedURI,
      sourceFile: e.sourceFile,
      line: e.lineNumber,
      sample: e.sample,
      documentURI: e.documentURI,
    };
    w.__cspViolations!.push(v);
    // Reported straight to the test runner too, so a violation on a page we later
    // navigated away from is not lost.
    try {
      w.__reportCspViolation?.(v);
    } catch {
      /* the binding is best effort; the window copy is read at the end */
    }
  });
}

function describeConsole(msg: ConsoleMessage): string {
  const loc = msg.location();
  const where = loc.url ? ` (${loc.url}:${loc.lineNumber}:${loc.columnNumber})` : "";
  return `${msg.text()}${where}`;
}

function describeCsp(v: CspViolation): string {
  return (
    `CSP violation: '${v.directive}' blocked ${v.blockedURI || "(inline)"}` +
    ` in ${v.sourceFile || v.documentURI}${v.line ? `:${v.line}` : ""}` +
    (v.sample ? ` — sample: ${JSON.stringify(v.sample)}` : "")
  );
}

async function watch(page: Page): Promise<PageProblems> {
  const problems: string[] = [];
  const seenCsp = new Set<string>();
  const allowed: { pattern: RegExp; reason: string }[] = [];

  const recordCsp = (v: CspViolation) => {
    const key = JSON.stringify(v);
    if (seenCsp.has(key)) return;
    seenCsp.add(key);
    problems.push(describeCsp(v));
  };

  await page.exposeBinding("__reportCspViolation", (_source, v: CspViolation) => recordCsp(v));
  await page.addInitScript(watchCspViolations);

  page.on("console", (msg) => {
    const text = msg.text();
    const isCsp = /Content[ -]Security[ -]Policy/i.test(text);
    if (msg.type() !== "error" && !isCsp) return;
    const described = describeConsole(msg);
    if (!isCsp && allowed.some((a) => a.pattern.test(described))) return;
    problems.push(`${isCsp ? "CSP console message" : "console error"}: ${described}`);
  });
  page.on("pageerror", (error) => {
    problems.push(`uncaught page error: ${error.name}: ${error.message}${error.stack ? `\n${error.stack}` : ""}`);
  });
  page.on("crash", () => problems.push("the page crashed"));

  const collectFromWindow = async () => {
    if (page.isClosed()) return;
    try {
      const fromWindow = (await page.evaluate(
        () => (window as unknown as { __cspViolations?: CspViolation[] }).__cspViolations ?? [],
      )) as CspViolation[];
      fromWindow.forEach(recordCsp);
    } catch {
      /* the page may be mid-navigation; the binding has already reported */
    }
  };

  return {
    list: problems,
    allow(pattern, reason) {
      allowed.push({ pattern, reason });
    },
    collect: collectFromWindow,
    async expectNone() {
      await collectFromWindow();
      expect(problems, `the page reported problems:\n  - ${problems.join("\n  - ")}`).toEqual([]);
    },
  };
}

export const test = base.extend<{ pageProblems: PageProblems }>({
  pageProblems: [
    async ({ page }, use, testInfo) => {
      const problems = await watch(page);
      await use(problems);
      // Only add a failure when the test body itself passed, so an earlier error stays the
      // headline; the problems are attached either way. (Comparing with "passed" rather
      // than expectedStatus keeps this working inside tests marked test.fail().)
      if (problems.list.length > 0) {
        await testInfo.attach("page-problems.txt", {
          body: problems.list.join("\n"),
          contentType: "text/plain",
        });
      }
      if (testInfo.status === "passed") {
        await problems.expectNone();
      }
    },
    { auto: true },
  ],
});

export { expect };

/**
 * Waits until the page is hydrated, by repeating `act` (an interaction that does nothing
 * until the wasm has loaded) until `done` holds. No fixed sleeps: each attempt is short
 * and the whole is bounded.
 */
export async function untilHydrated(
  act: () => Promise<void>,
  done: () => Promise<void>,
  timeout = 20_000,
): Promise<void> {
  await expect(async () => {
    try {
      await done();
      return; // an earlier attempt already took effect
    } catch {
      /* not yet */
    }
    await act();
    await done();
  }).toPass({ timeout, intervals: [250, 500, 1000] });
}

/** A path that no route matches, distinct per call so logs are easy to follow. */
export function missingPath(tag = "e2e"): string {
  return `/this-page-does-not-exist-${tag}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * Waits until the wasm has hydrated the page. Every page has the header's menu button,
 * whose click handler exists only after hydration; a synthetic click works even where the
 * button is hidden (wide screens). The menu is closed again afterwards.
 */
export async function waitForHydration(page: Page, timeout = 20_000): Promise<void> {
  const toggle = page.getByTestId("menu-toggle");
  await untilHydrated(
    () => toggle.dispatchEvent("click", undefined, { timeout: 2_000 }),
    () => expect(toggle).toHaveAttribute("aria-expanded", "true", { timeout: 1_000 }),
    timeout,
  );
  await toggle.dispatchEvent("click");
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
}

/** The pages every check walks through; `status` is what the document must answer with. */
export const PAGES = [
  { name: "home", path: "/", status: 200, heading: "A calmer place to grow well, together." },
  { name: "about", path: "/about", status: 200, heading: "About Wellspring" },
  { name: "status", path: "/status", status: 200, heading: "Service status" },
  { name: "404", path: "/this-page-does-not-exist", status: 404, heading: "We couldn't find that page" },
] as const;

/** Chromium's console line for a deliberate 404 document. */
export const DELIBERATE_404 = /Failed to load resource: the server responded with a status of 404.*this-page-does-not-exist/;
