import { test, expect } from "./fixtures";
import { publicCircle, signedInMember } from "./members";

/**
 * A profile picture end to end, the way a member adds one: a phone photo carrying its GPS
 * position (EXIF) is chosen on /settings/profile and sent by the plain form; the page says
 * it is saved, the profile shows it, and the bytes anyone can download carry no EXIF and
 * no position. A file that is not a picture (an SVG with a script, named .jpg) is refused
 * in words; a JPEG with HTML after its pixels is accepted, and opening its address in the
 * browser runs nothing.
 */

/** The GPS latitude's first rational (52/1), as the EXIF block below stores it. */
const GPS_MARK = Buffer.from([52, 0, 0, 0, 1, 0, 0, 0]);

/** An EXIF block as a phone writes one: orientation 6 and a GPS latitude of 52° 22' 12.34" N. */
function exifSegment(): Buffer {
  const tiff: number[] = [0x49, 0x49, 0x2a, 0, 8, 0, 0, 0];
  tiff.push(2, 0);
  tiff.push(0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0);
  tiff.push(0x25, 0x88, 4, 0, 1, 0, 0, 0, 38, 0, 0, 0);
  tiff.push(0, 0, 0, 0);
  tiff.push(2, 0);
  tiff.push(1, 0, 2, 0, 2, 0, 0, 0, 0x4e, 0, 0, 0);
  tiff.push(2, 0, 5, 0, 3, 0, 0, 0, 68, 0, 0, 0);
  tiff.push(0, 0, 0, 0);
  for (const [n, d] of [[52, 1], [22, 1], [1234, 100]]) {
    const pair = Buffer.alloc(8);
    pair.writeUInt32LE(n, 0);
    pair.writeUInt32LE(d, 4);
    tiff.push(...pair);
  }
  const body = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), Buffer.from(tiff)]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

test("a profile picture is shown everywhere and carries no hidden location", async ({ page, pageProblems }) => {
  test.setTimeout(90_000);
  const member = await signedInMember(page, "Wren Hollow");
  await page.goto("/settings/profile");
  // A photo drawn by the browser itself, then given a phone's EXIF block after its start marker.
  const drawn = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 90;
    canvas.height = 60;
    const g = canvas.getContext("2d")!;
    g.fillStyle = "#c82020";
    g.fillRect(0, 0, 45, 60);
    g.fillStyle = "#2020c8";
    g.fillRect(45, 0, 45, 60);
    return canvas.toDataURL("image/jpeg", 0.9).split(",")[1];
  });
  const jpeg = Buffer.from(drawn, "base64");
  const photo = Buffer.concat([jpeg.subarray(0, 2), exifSegment(), jpeg.subarray(2)]);
  expect(photo.includes(GPS_MARK)).toBeTruthy();

  await expect(page.locator("main span.avatar").first()).toHaveText("WH");
  await page.getByTestId("avatar-file").setInputFiles({ name: "IMG_2041.jpg", mimeType: "image/jpeg", buffer: photo });
  // With JavaScript the photo goes up by script, with a bar and words that say how far it
  // has got (held back here so the bar can be seen), then the page goes where the plain
  // form would have gone.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route("**/uploads/avatar", async (route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId("avatar-submit").click();
  await expect(page.getByTestId("upload-progress")).toBeVisible();
  await expect(page.getByTestId("upload-status")).toContainText("Upload");
  await expect(page.getByTestId("avatar-submit")).toBeDisabled();
  release();
  await expect(page).toHaveURL(/\/settings\/profile\?avatar=saved#picture$/);
  await page.unroute("**/uploads/avatar");
  await expect(page.getByTestId("avatar-saved")).toHaveText("Your new profile picture is saved.");
  // The header shows it at once (a new access token came with the upload).
  await expect(page.locator('[aria-label="Account"] img.avatar')).toHaveAttribute("src", /^\/media\/avatars\/[0-9a-f-]{36}\/64$/);

  await page.goto(`/u/${member.handle}`);
  const shown = page.locator("main img.avatar").first();
  await expect(shown).toBeVisible();
  await expect.poll(() => shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  const src = await shown.getAttribute("src");
  expect(src).toMatch(/^\/media\/avatars\/[0-9a-f-]{36}\/128$/);

  // Downloaded by a visitor: a plain JPEG, upright (90 × 60 turned by orientation 6 is
  // cropped square), with no EXIF block and no position.
  const download = await page.request.get(src!.replace(/\/128$/, "/256"), { headers: { cookie: "" } });
  expect(download.status()).toBe(200);
  expect(download.headers()["content-type"]).toBe("image/jpeg");
  expect(download.headers()["x-content-type-options"]).toBe("nosniff");
  expect(download.headers()["content-security-policy"]).toContain("sandbox");
  const bytes = await download.body();
  expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  expect(bytes.includes(Buffer.from("Exif", "latin1")), "an EXIF block was served").toBeFalsy();
  expect(bytes.includes(GPS_MARK), "the GPS position was served").toBeFalsy();

  // Refused in words: a script in an SVG, whatever it is called. The upload script is told
  // with a 415, which Chromium also logs as a failed resource.
  pageProblems.allow(/status of 415 .*\/uploads\/avatar/, "a refused upload is answered 415 to the upload script");
  await page.goto("/settings/profile");
  await page.getByTestId("avatar-file").setInputFiles({
    name: "holiday.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
  });
  await page.getByTestId("avatar-submit").click();
  await expect(page.getByTestId("avatar-error")).toContainText("isn't a picture we can take");
  // The picture saved before is still the one shown.
  await expect(page.locator("main img.avatar").first()).toHaveAttribute("src", src!);

  // HTML after a JPEG's pixels: accepted as a picture, and its address runs nothing.
  const polyglot = Buffer.concat([jpeg, Buffer.from("<html><script>alert(document.cookie)</script></html>")]);
  await page.getByTestId("avatar-file").setInputFiles({ name: "x.html", mimeType: "text/html", buffer: polyglot });
  await page.getByTestId("avatar-submit").click();
  await expect(page.getByTestId("avatar-saved")).toBeVisible();
  const newer = await page.locator("main img.avatar").first().getAttribute("src");
  expect(newer).not.toBe(src);
  // Opened on its own, the picture's document is sandboxed: Chromium refuses to run any
  // script in it (this suite's own watcher included) and says so in the console.
  pageProblems.allow(/Blocked script execution in .*\/media\/.*sandboxed/, "a picture's document is sandboxed on purpose");
  let dialogs = 0;
  page.on("dialog", (dialog) => {
    dialogs += 1;
    void dialog.dismiss();
  });
  const opened = await page.goto(newer!);
  expect(opened?.headers()["content-type"]).toBe("image/jpeg");
  expect(await opened!.text().then((t) => t.includes("<script"))).toBeFalsy();
  expect(dialogs).toBe(0);
});

test("a post's author adds a described picture and every reader sees it in the gallery", async ({ page, browser }) => {
  test.setTimeout(90_000);
  await signedInMember(page, "Sage Brook");
  const circle = await publicCircle(page.request);
  expect((await page.request.post("/api/circles/join", { form: { slug: circle.slug } })).ok()).toBeTruthy();
  const title = `Lake at dawn ${Date.now().toString(36)}`;
  const created = await page.request.post("/api/posts/create", {
    form: { circle: circle.slug, title, body: "The mist lifted slowly." },
    maxRedirects: 0,
  });
  expect(created.status(), await created.text()).toBeLessThan(400);
  const path = new URL(created.headers()["location"] ?? "", "http://x").pathname;
  await page.goto(path);

  const drawn = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 160;
    canvas.height = 90;
    const g = canvas.getContext("2d")!;
    g.fillStyle = "#8ab";
    g.fillRect(0, 0, 160, 90);
    return canvas.toDataURL("image/png").split(",")[1];
  });
  // Without words first: the form asks for them (the browser's `required`), and so does the server.
  await page.getByTestId("picture-file").setInputFiles({ name: "lake.png", mimeType: "image/png", buffer: Buffer.from(drawn, "base64") });
  await page.getByTestId("picture-alt").fill("Morning mist over the lake");
  await page.getByTestId("picture-submit").click();
  await expect(page).toHaveURL(/\?picture=added#pictures$/);
  await expect(page.getByTestId("picture-saved")).toHaveText("Your picture is added.");
  const picture = page.getByTestId("post-picture");
  await expect(picture).toHaveAttribute("alt", "Morning mist over the lake");
  await expect(picture).toHaveAttribute("width", "160");
  await expect(picture).toHaveAttribute("height", "90");
  await expect.poll(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);

  // A visitor sees it too.
  const visitorContext = await browser.newContext();
  const visitor = await visitorContext.newPage();
  await visitor.goto(path);
  await expect(visitor.getByTestId("post-picture")).toHaveAttribute("alt", "Morning mist over the lake");
  await expect(visitor.getByTestId("picture-file")).toHaveCount(0);
  await visitorContext.close();

  // Its author takes it off again.
  await page.getByTestId("picture-remove").click();
  await expect(page.getByTestId("post-picture")).toHaveCount(0);

  // A reply takes a picture from its own author, folded away until asked for.
  await page.goto(path);
  await page.getByTestId("comment-body").fill("Here is mine from this morning.");
  await page.getByTestId("comment-submit").click();
  await expect(page.getByTestId("comment")).toHaveCount(1);
  await page.getByTestId("reply-picture-open").click();
  await page.getByTestId("reply-picture-alt").fill("A heron at the shore");
  await page.getByTestId("reply-picture-file").setInputFiles({ name: "heron.png", mimeType: "image/png", buffer: Buffer.from(drawn, "base64") });
  await page.getByTestId("reply-picture-submit").click();
  await expect(page).toHaveURL(/\?picture=added#comment-\d+$/);
  await expect(page.getByTestId("picture-saved")).toHaveText("Your picture is added.");
  await expect(page.getByTestId("comment").getByTestId("post-picture")).toHaveAttribute("alt", "A heron at the shore");
});
