import AxeBuilder from "@axe-core/playwright";
import type { Page, TestInfo } from "@playwright/test";
import { expect } from "./fixtures";

/**
 * The accessibility check every spec shares: axe-core against WCAG 2.0/2.1 A and AA, where
 * serious and critical findings fail and lesser ones are noted as annotations.
 */

type AxeResults = Awaited<ReturnType<AxeBuilder["analyze"]>>;
export type Violation = AxeResults["violations"][number];

const TAGS = ["wcag2a", "wcag2aa", "wcag21aa"];
const BLOCKING = new Set(["serious", "critical"]);

/** Violations as a failure message: rule, help link, and each offending element. */
export function describe(violations: Violation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const summary = (n.failureSummary ?? "").replace(/\n\s*/g, " ").trim();
          return `      • ${n.target.join(" ")}\n        ${n.html.slice(0, 200)}\n        ${summary}`;
        })
        .join("\n");
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join("\n\n");
}

/**
 * Runs axe on the page as it is now and returns the serious and critical violations; minor
 * ones become an annotation. The full list is attached as `axe-<label>.json`, always or (for
 * checks that visit many pages) only when there is something in it.
 */
export async function axeBlocking(
  page: Page,
  testInfo: TestInfo,
  label: string,
  attach: "always" | "when-found" = "always",
): Promise<Violation[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  if (attach === "always" || results.violations.length > 0) {
    await testInfo.attach(`axe-${label}.json`, {
      body: JSON.stringify(results.violations, null, 2),
      contentType: "application/json",
    });
  }
  const blocking = results.violations.filter((v) => BLOCKING.has(v.impact ?? ""));
  const minor = results.violations.filter((v) => !BLOCKING.has(v.impact ?? ""));
  if (minor.length > 0) {
    testInfo.annotations.push({ type: "axe (minor)", description: `${label}: ${minor.map((v) => v.id).join(", ")}` });
  }
  return blocking;
}

/** Fails the test if the page as it is now has serious or critical axe violations. */
export async function checkAxe(page: Page, testInfo: TestInfo, label: string): Promise<void> {
  const blocking = await axeBlocking(page, testInfo, label);
  expect(blocking, `serious or critical accessibility violations on ${label}:\n${describe(blocking)}`).toEqual([]);
}
