import type { Page, TestInfo } from "@playwright/test";
import { test, expect, waitForHydration, type PageProblems } from "./fixtures";
import { axeBlocking, describe } from "./axe";
import { signedInAsDemo } from "./members";

/**
 * Walks the site the way a reader would instead of checking a hand-picked list: from `/` it
 * follows same-origin links, once as a visitor and once signed in as the demo member. Every
 * page it reaches must answer 2xx (a link the site shows that leads anywhere else is a broken
 * link), hydrate, log no console errors, throw nothing, hit no CSP violation and have no
 * serious or critical axe finding. All findings are gathered and reported together, page by
 * page; the pages visited are printed and attached as `crawl-<who>.txt` so the coverage can
 * be read.
 *
 * Bounded so it stays a few seconds per page: at most MAX_PAGES pages per crawl, and at most
 * PER_TEMPLATE pages per route template (`/c/:slug/p/:post` counts every post as one kind of
 * page). An address whose query only pages, re-sorts or opens another reply form
 * (`?after=`, `?next=`, `?reply=`) is one kind of page per template, visited once.
 */

const MAX_PAGES = 60;
const PER_TEMPLATE = 3;

/** Not pages, or pages a crawl must not open (signing out would end the member's crawl). */
const SKIPPED_PREFIXES = ["/api/", "/pkg/", "/auth/oauth/", "/metrics", "/dev/", "/logout"];

/**
 * Query parameters that only page through or re-order what the page without them shows, or
 * (`reply`, `next`) open the same page's form for another reply or a different return address.
 */
const VARIANT_PARAMS = new Set(["after", "before", "page", "sort", "next", "reply"]);

/** The routes of src/app/mod.rs; a path matching none is its own template (and will 404). */
const ROUTES = [
  "/",
  "/circles",
  "/circles/new",
  "/c/:slug",
  "/c/:slug/new",
  "/c/:slug/p/:post",
  "/c/:slug/p/:post/edit",
  "/c/:slug/p/:post/thread/:comment",
  "/p/:id",
  "/u/:handle",
  "/search",
  "/bookmarks",
  "/about",
  "/status",
  "/signup",
  "/login",
  "/login/mfa",
  "/forgot",
  "/reset",
  "/verify",
  "/magic",
  "/magic-request",
  "/settings/profile",
  "/settings/security",
];

type Who = "visitor" | "member";

function templateOf(pathname: string): string {
  const segments = pathname.split("/").filter(Boolean);
  for (const route of ROUTES) {
    const parts = route.split("/").filter(Boolean);
    if (parts.length !== segments.length) continue;
    if (parts.every((part, i) => part.startsWith(":") || part === segments[i])) return route;
  }
  return pathname;
}

/** The template plus the names of the query's parameters: what the per-template cap counts. */
function kindOf(url: URL): { kind: string; cap: number } {
  const template = templateOf(url.pathname);
  const names = new Set<string>();
  url.searchParams.forEach((_value, name) => names.add(name));
  const sorted = [...names].sort();
  if (sorted.length === 0) return { kind: template, cap: PER_TEMPLATE };
  const kind = `${template}?${sorted.join("&")}`;
  return { kind, cap: sorted.some((n) => VARIANT_PARAMS.has(n)) ? 1 : PER_TEMPLATE };
}

/** The address to visit for an href found on a page, or null when the crawl leaves it alone. */
function crawlable(href: string | null, origin: string): URL | null {
  if (!href || !href.startsWith("/") || href.startsWith("//")) return null;
  const url = new URL(href, origin);
  url.hash = "";
  if (SKIPPED_PREFIXES.some((prefix) => url.pathname === prefix.replace(/\/$/, "") || url.pathname.startsWith(prefix))) {
    return null;
  }
  return url;
}

const key = (url: URL) => `${url.pathname}${url.search}`;

/** A console or page error without its stack, for the summary (page-problems.txt has it all). */
function withoutStack(problem: string): string {
  const cut = problem.search(/\n\s*(Stack:|at )/);
  return cut === -1 ? problem : `${problem.slice(0, cut)} …`;
}

interface Visit {
  path: string;
  template: string;
  kind: string;
  status: number | null;
  landed: string;
  ms: number;
  problems: string[];
}

async function visit(page: Page, pageProblems: PageProblems, testInfo: TestInfo, who: Who, url: URL): Promise<{ visit: Visit; links: (string | null)[] }> {
  const started = Date.now();
  const { kind } = kindOf(url);
  const template = templateOf(url.pathname);
  const problems: string[] = [];
  const before = pageProblems.list.length;

  let status: number | null = null;
  let links: (string | null)[] = [];
  try {
    const response = await page.goto(key(url));
    status = response?.status() ?? null;
    if (status === null || status < 200 || status >= 300) problems.push(`status ${status ?? "(no response)"}`);
    await waitForHydration(page);
    const blocking = await axeBlocking(page, testInfo, `${who} ${key(url)}`, "when-found");
    if (blocking.length > 0) problems.push(`serious or critical accessibility violations:\n${describe(blocking)}`);
    links = await page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  } catch (error) {
    problems.push(`could not be checked: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
  }
  await pageProblems.collect();
  problems.push(...pageProblems.list.slice(before).map(withoutStack));

  const landedUrl = new URL(page.url());
  return {
    visit: { path: key(url), template, kind, status, landed: key(landedUrl), ms: Date.now() - started, problems },
    links,
  };
}

/** Visits pages breadth-first from `/` and returns them in visiting order. */
async function crawl(page: Page, pageProblems: PageProblems, testInfo: TestInfo, who: Who): Promise<{ visits: Visit[]; capped: Map<string, number> }> {
  const baseURL = testInfo.project.use.baseURL;
  expect(baseURL, "the config's baseURL").toBeTruthy();
  const origin = new URL(baseURL!).origin;
  const start = new URL("/", origin);
  const seen = new Set<string>([key(start)]);
  const perKind = new Map<string, number>([[kindOf(start).kind, 1]]);
  const capped = new Map<string, number>();
  const queue: URL[] = [start];
  const visits: Visit[] = [];

  while (queue.length > 0 && visits.length < MAX_PAGES) {
    const url = queue.shift()!;
    const { visit: done, links } = await visit(page, pageProblems, testInfo, who, url);
    visits.push(done);
    // A redirect lands on another address: that one counts as seen too.
    seen.add(done.landed);
    for (const href of links) {
      const next = crawlable(href, origin);
      if (!next || seen.has(key(next))) continue;
      seen.add(key(next));
      const { kind, cap } = kindOf(next);
      const count = perKind.get(kind) ?? 0;
      if (count >= cap) {
        capped.set(kind, (capped.get(kind) ?? 0) + 1);
        continue;
      }
      perKind.set(kind, count + 1);
      queue.push(next);
    }
  }
  const unvisited = queue.length;
  if (unvisited > 0) capped.set(`(page limit of ${MAX_PAGES} reached)`, unvisited);
  return { visits, capped };
}

async function report(testInfo: TestInfo, who: Who, visits: Visit[], capped: Map<string, number>): Promise<void> {
  const lines = visits.map((v, i) => {
    const redirect = v.landed !== v.path ? ` → ${v.landed}` : "";
    const verdict = v.problems.length > 0 ? `  ✗ ${v.problems.length} problem(s)` : "";
    return `${String(i + 1).padStart(2)}. ${v.status ?? "---"} ${v.path}${redirect}  [${v.kind}] ${v.ms} ms${verdict}`;
  });
  const skipped = [...capped].map(([kind, n]) => `  ${kind}: ${n} more not visited`);
  const seconds = (visits.reduce((sum, v) => sum + v.ms, 0) / 1000).toFixed(1);
  const body =
    `Crawl as ${who}: ${visits.length} pages in ${seconds} s\n${lines.join("\n")}\n` +
    (skipped.length > 0 ? `\nLeft out by the caps:\n${skipped.join("\n")}\n` : "");
  console.log(body);
  await testInfo.attach(`crawl-${who}.txt`, { body, contentType: "text/plain" });
}

test.describe("site crawl", () => {
  test.skip(({ isMobile }) => isMobile, "one crawl is enough: it checks pages, not layouts (desktop only, to keep the suite short)");

  for (const who of ["visitor", "member"] as const) {
    test(`every page a ${who} can reach from / loads cleanly and passes axe`, async ({ page, pageProblems }, testInfo) => {
      test.setTimeout(240_000);
      if (who === "member") {
        await signedInAsDemo(page);
      }
      const { visits, capped } = await crawl(page, pageProblems, testInfo, who);
      await report(testInfo, who, visits, capped);

      const failed = visits.filter((v) => v.problems.length > 0);
      const details = failed.map((v) => `${v.path} (${v.status ?? "no response"}):\n  - ${v.problems.join("\n  - ")}`);
      expect(failed.map((v) => v.path), `pages with problems:\n\n${details.join("\n\n")}`).toEqual([]);

      expect(visits.length, "the crawl found more than the home page").toBeGreaterThan(10);
      const templates = new Set(visits.map((v) => v.template));
      for (const expected of ["/", "/circles", "/c/:slug", "/c/:slug/p/:post", "/u/:handle", "/about", "/status"]) {
        expect(templates, `the crawl reached ${expected}`).toContain(expected);
      }
      if (who === "member") {
        expect(templates, "signed in: the member's own pages").toContain("/bookmarks");
        expect(templates).toContain("/settings/profile");
        // Nothing on the way signed the member out.
        await page.goto("/");
        await expect(page.getByTestId("viewer-name")).toBeVisible();
      }
    });
  }
});
