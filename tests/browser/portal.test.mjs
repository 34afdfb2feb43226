// Atrium's pages in real headless Chromium (Debian's /usr/bin/chromium), driven by
// playwright-core: the journeys of issue 16, axe-core on every page, and the layout at
// 360 and 1440 px. Starts its own Atrium (the debug binary) on loopback with an SMTP
// sink, so the invitation a customer accepts is the mail Atrium sent.
//
//   node portal.test.mjs            (ATRIUM_BIN overrides the binary's path)
//
// On failure, a screenshot of every step is kept in tests/browser/artifacts/.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const target = process.env.CARGO_TARGET_DIR || path.join(root, "target");
const binary = process.env.ATRIUM_BIN || path.join(target, "debug", "atrium");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
const artifacts = path.join(here, "artifacts");
const axeSource = fs.readFileSync(path.join(here, "node_modules/axe-core/axe.min.js"), "utf8");
const OWNER = { org: "acme", email: "owner@acme.test", password: "owner password 1234" };

// ---- an SMTP sink: every message Atrium delivers, by recipient ----
const mails = [];
function smtpSink() {
  return new Promise((resolve) => {
    const server = net.createServer((socket) => {
      let buffer = "", data = false, message = { to: [], body: "" };
      // Atrium's pooled connections are reset when it stops: not an error of the test.
      socket.on("error", () => {});
      socket.write("220 sink ESMTP\r\n");
      socket.on("data", (chunk) => {
        buffer += chunk.toString("utf8");
        let at;
        while ((at = buffer.indexOf("\r\n")) >= 0) {
          const line = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          if (data) {
            if (line === ".") {
              data = false;
              mails.push({ to: message.to, body: decodeQp(message.body) });
              message = { to: [], body: "" };
              socket.write("250 queued\r\n");
            } else {
              message.body += (line.startsWith("..") ? line.slice(1) : line) + "\r\n";
            }
            continue;
          }
          const verb = line.slice(0, 4).toUpperCase();
          if (verb === "EHLO" || verb === "HELO") socket.write("250-sink\r\n250 8BITMIME\r\n");
          else if (verb === "RCPT") { message.to.push(line.replace(/^RCPT TO:\s*<?([^>]*)>?.*$/i, "$1").toLowerCase()); socket.write("250 ok\r\n"); }
          else if (verb === "DATA") { data = true; socket.write("354 go on\r\n"); }
          else if (verb === "QUIT") { socket.write("221 bye\r\n"); socket.end(); }
          else socket.write("250 ok\r\n");
        }
      });
    });
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

function decodeQp(text) {
  return text.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

async function linkMailedTo(email, pathPrefix) {
  for (let i = 0; i < 100; i++) {
    for (const mail of mails.slice().reverse()) {
      if (!mail.to.includes(email.toLowerCase())) continue;
      const found = mail.body.match(new RegExp(`https?://[^\\s"<>]*${pathPrefix}\\?token=[A-Za-z0-9_-]+`));
      if (found) return found[0];
    }
    await sleep(200);
  }
  throw new Error(`no mail with ${pathPrefix} reached ${email}`);
}

async function shareLinkMailedTo(email) {
  for (let i = 0; i < 100; i++) {
    for (const mail of mails.slice().reverse()) {
      if (!mail.to.includes(email.toLowerCase())) continue;
      const found = mail.body.match(/https?:\/\/[^\s"<>]*\/i\/[A-Za-z0-9_-]{43}/);
      if (found) return found[0];
    }
    await sleep(200);
  }
  throw new Error(`no share link reached ${email}`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

// ---- Atrium itself ----
async function startAtrium(smtpPort) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-browser-"));
  const base = `http://127.0.0.1:${port}`;
  // Each service on a port of its own, so a running Atrium (on the default ports) and
  // this suite do not meet.
  const services = {};
  for (const name of ["IDENTITY", "PORTAL", "DOCUMENTS", "BILLING", "NOTIFIER"]) {
    const servicePort = await freePort();
    services[`ATRIUM_${name}_LISTEN`] = `127.0.0.1:${servicePort}`;
    services[`ATRIUM_${name}_URL`] = `http://127.0.0.1:${servicePort}`;
  }
  const child = spawn(binary, [], {
    env: {
      ...services,
      PATH: process.env.PATH,
      ATRIUM_DATA_DIR: dataDir,
      ATRIUM_LISTEN: `127.0.0.1:${port}`,
      ATRIUM_PUBLIC_URL: base,
      ATRIUM_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      ATRIUM_BOOTSTRAP_ORG: OWNER.org,
      ATRIUM_BOOTSTRAP_EMAIL: OWNER.email,
      ATRIUM_BOOTSTRAP_PASSWORD: OWNER.password,
      ATRIUM_LOG_FORMAT: "json",
      RUST_LOG: "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  for (let i = 0; i < 150; i++) {
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.status === 200) return { base, child, dataDir };
    } catch {}
    if (child.exitCode !== null) break;
    await sleep(200);
  }
  child.kill("SIGTERM");
  throw new Error(`Atrium did not become ready:\n${stderr}`);
}

async function api(base, method, url, token, body) {
  const r = await fetch(base + url, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url}: ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

// ---- page checks ----
const steps = [];
const checkedPages = new Set();

async function step(page, name) {
  const file = path.join(os.tmpdir(), `atrium-step-${steps.length + 1}-${name.replace(/\W+/g, "-")}.png`);
  await page.screenshot({ path: file, fullPage: true }).catch(() => {});
  steps.push(file);
  await audit(page, name);
}

/** axe-core: no serious or critical violation; no horizontal scrolling at 360 and 1440 px. */
async function audit(page, name) {
  const key = new URL(page.url()).pathname.replace(/[0-9a-f-]{36}/g, "{id}") + "#" + name;
  if (checkedPages.has(key)) return;
  checkedPages.add(key);
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `axe on ${name} (${page.url()}): ${JSON.stringify(bad.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target) })))}`);
  for (const width of [360, 1440]) {
    await page.setViewportSize({ width, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, `${name} scrolls sideways by ${overflow}px at ${width}px`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function signIn(page, base, tierPath, { org, email, password }) {
  await page.goto(`${base}${tierPath}`);
  const orgField = page.getByLabel("Organization");
  if (await orgField.count()) await orgField.fill(org);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function setPassword(page, password) {
  await page.getByLabel("New password").fill(password);
  await page.getByLabel("Confirm password").fill(password);
  await page.getByRole("button", { name: "Set password" }).click();
}

async function pickCustomers(page, base, projectId, emails) {
  await page.goto(`${base}/admin/projects/${projectId}`);
  const picker = page.getByLabel("Customers", { exact: true });
  const values = await picker.locator("option").evaluateAll((options, wanted) =>
    options.filter((o) => wanted.some((w) => o.textContent.includes(w))).map((o) => o.value), emails);
  await picker.selectOption(values);
  await page.getByRole("button", { name: "Save customers" }).click();
  await page.waitForURL(/done=customers/);
}

// ---- the journeys ----
async function main() {
  if (!fs.existsSync(binary)) throw new Error(`no Atrium binary at ${binary}: build it first (cargo build)`);
  const sink = await smtpSink();
  const atrium = await startAtrium(sink.address().port);
  const { base } = atrium;
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    // Fixtures through the API: two projects and a gallery with a guest password.
    const { access_token: token } = await api(base, "POST", "/api/admin/login", null, OWNER);
    const alpha = await api(base, "POST", "/api/admin/projects", token, { name: "Alpha House", kind: "project", starts_on: "2026-03-01" });
    const beta = await api(base, "POST", "/api/admin/projects", token, { name: "Beta Tower", kind: "project" });
    const summer = await api(base, "POST", "/api/admin/projects", token, { name: "Summer Shoot", kind: "gallery", guest_password: "sunny guest pass" });
    await api(base, "POST", `/api/admin/projects/${alpha.id}/phases`, token, { name: "Foundations", status: "in_progress", percent_complete: 40 });

    const staffContext = await browser.newContext({ bypassCSP: true, locale: "en-GB" });
    const staff = await staffContext.newPage();
    const customerContext = await browser.newContext({ bypassCSP: true, locale: "en-GB", acceptDownloads: true });
    const customer = await customerContext.newPage();

    // Staff sign in and invite a customer.
    await signIn(staff, base, "/admin/login", OWNER);
    await staff.waitForURL(`${base}/admin`);
    await step(staff, "staff-home");
    await staff.getByRole("navigation").getByRole("link", { name: "Customers" }).click();
    await step(staff, "staff-customers");
    // A malformed address is refused: the alert names the field, which is marked invalid
    // and keeps what was typed.
    await staff.getByLabel("Email").fill("carla-at-client");
    await staff.getByRole("button", { name: "Invite customer" }).click();
    await staff.getByRole("alert").waitFor();
    check((await staff.getByRole("alert").textContent()).startsWith("Email:"), "the refusal names the field");
    check(await staff.getByLabel("Email").getAttribute("aria-invalid") === "true", "the refused field is marked invalid");
    check(await staff.getByLabel("Email").inputValue() === "carla-at-client", "the typed address is kept");
    await step(staff, "staff-invite-refused");
    await staff.getByLabel("Email").fill("carla@client.test");
    await staff.getByLabel("Name").fill("Carla Client");
    await staff.getByLabel("Company").fill("Client GmbH");
    await staff.getByRole("button", { name: "Invite customer" }).click();
    await staff.waitForURL(/done=invited/);
    check(await staff.getByText("carla@client.test").count() > 0, "the invited customer is listed");

    // Staff assign Alpha and the gallery with the picker (not Beta).
    await pickCustomers(staff, base, alpha.id, ["carla@client.test"]);
    await step(staff, "staff-project");
    await pickCustomers(staff, base, summer.id, ["carla@client.test"]);

    // The customer accepts the emailed invitation and lands signed in.
    const invitation = await linkMailedTo("carla@client.test", "/customer/accept-invitation");
    await customer.goto(invitation);
    check(await customer.getByText("carla@client.test").count() > 0, "the invitation shows the email");
    await step(customer, "accept-invitation");
    await setPassword(customer, "carla's long password");
    await customer.waitForURL(`${base}/customer`);
    await step(customer, "dashboard");
    const cards = await customer.locator("main h3").allTextContents();
    check(JSON.stringify(cards.sort()) === JSON.stringify(["Alpha House", "Summer Shoot"]), `the dashboard shows exactly the assigned projects: ${cards}`);
    await customer.getByRole("navigation").getByRole("link", { name: "Projects" }).click();
    await step(customer, "projects");
    await customer.getByRole("link", { name: "Alpha House" }).click();
    check(await customer.getByText("Foundations").count() > 0, "the project shows its phases");
    await step(customer, "project");

    // Staff upload a document to Alpha (progress shown while it goes) and publish it;
    // the customer downloads it from the project page under its own name.
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    await staff.goto(`${base}/admin/projects/${alpha.id}/documents`);
    await step(staff, "staff-documents");
    await staff.getByLabel("Title").fill("Site plan");
    await staff.getByLabel("File").setInputFiles({ name: "Lageplan Küche.pdf", mimeType: "application/pdf", buffer: pdf });
    await staff.getByRole("button", { name: "Upload" }).click();
    await staff.waitForURL(/\/admin\/documents\/[0-9a-f-]+\?done=uploaded/);
    check((await staff.locator("#document-status").textContent()).trim() === "Draft", "a new document is a draft");
    await step(staff, "staff-document");
    await staff.getByRole("button", { name: "Publish" }).click();
    await staff.waitForURL(/done=saved/);
    check((await staff.locator("#document-status").textContent()).trim() === "Published", "the document is published");
    await customer.reload();
    check(await customer.getByText("Site plan").count() > 0, "the published document is on the project page");
    await step(customer, "project-documents");
    const [download] = await Promise.all([
      customer.waitForEvent("download"),
      customer.getByRole("link", { name: /Download/ }).click(),
    ]);
    check(download.suggestedFilename() === "Lageplan Küche.pdf", `the download keeps its name: ${download.suggestedFilename()}`);
    const saved = await download.path();
    check(fs.readFileSync(saved).equals(pdf), "the downloaded file is the uploaded one, byte for byte");

    // Staff add a public photo to the Summer Shoot gallery; the customer sees it in a
    // grid and opens it in the lightbox.
    const photo = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    await staff.goto(`${base}/admin/projects/${summer.id}/gallery`);
    await staff.getByLabel("Caption").first().fill("Sunset");
    await staff.getByLabel("Visibility").first().selectOption("public");
    await staff.getByLabel("File").setInputFiles({ name: "sunset.png", mimeType: "image/png", buffer: photo });
    await staff.getByRole("button", { name: "Upload" }).click();
    await staff.waitForURL(/gallery\?done=saved/);
    check(await staff.locator("ul.gallery img").count() === 1, "the photo is in the console's gallery");
    await step(staff, "staff-gallery");
    await customer.goto(`${base}/customer/projects/${summer.id}`);
    check(await customer.locator("ul.gallery img").count() === 1, "the customer sees the photo");
    check(await customer.getByRole("link", { name: "Download all" }).count() === 1, "the gallery offers every original at once");
    await customer.locator("ul.gallery a").first().click();
    await customer.locator("dialog.lightbox[open] img").waitFor();
    check(await customer.locator("dialog.lightbox[open] img").evaluate((img) => img.complete && img.naturalWidth > 0), "the lightbox shows the preview");
    await customer.keyboard.press("Escape");
    await step(customer, "project-gallery");

    // Staff make the photo the gallery's cover; the customer's dashboard card shows it.
    await staff.getByRole("button", { name: /Use as cover/ }).first().click();
    await staff.waitForURL(/gallery\?done=saved/);
    check(await staff.getByText("The project's cover").count() === 1, "the console marks the cover photo");
    await customer.goto(`${base}/customer`);
    await customer.waitForFunction(() => {
      const cover = document.querySelector('img.cover[src^="/api/customer/gallery/"]');
      return cover && cover.complete && cover.naturalWidth > 0;
    });
    await step(customer, "dashboard-cover");
    await customer.getByRole("navigation").getByRole("link", { name: "Notifications" }).click();
    await step(customer, "notifications");
    await customer.getByRole("navigation").getByRole("link", { name: "Settings" }).click();
    await step(customer, "settings");

    // Billing: staff write an invoice in the console's editor (its total follows the lines
    // as they are typed) and issue it; the customer sees it on the dashboard and in
    // Invoices and downloads its PDF. Staff write and send a quote the same way; the
    // customer accepts it with a typed name; staff see who accepted, record the payment
    // against the invoice (which then reads paid) and find it in the ledger and aging.
    const carlaId = (await api(base, "GET", "/api/admin/customers?q=carla", token)).items[0].id;
    const fillLine = async (page) => {
      await page.getByLabel("Description 1", { exact: true }).fill("Design work");
      await page.getByLabel("Qty 1", { exact: true }).fill("3");
      await page.getByLabel("Unit price 1", { exact: true }).fill("3.33");
      await page.getByLabel("Tax 1", { exact: true }).fill("19");
    };
    await staff.getByRole("navigation").getByRole("link", { name: "Billing" }).click();
    await step(staff, "staff-invoices");
    await staff.getByRole("link", { name: "New invoice" }).click();
    await staff.getByLabel("Customer", { exact: true }).selectOption(carlaId);
    await fillLine(staff);
    check((await staff.locator("#live-total").textContent()) === "11.89 EUR", "the editor's total follows the lines as typed");
    await step(staff, "staff-invoice-editor");
    await staff.getByRole("button", { name: "Create draft" }).click();
    await staff.waitForURL(/\/admin\/invoices\/[0-9a-f-]+\?done=saved/);
    const invoiceUrl = staff.url().split("?")[0];
    await staff.getByRole("button", { name: "Issue invoice" }).click();
    await staff.waitForURL(/done=issue/);
    const invoiceNumber = (await staff.locator("h1").textContent()).replace("Invoice", "").trim();
    check(/^INV-\d{4}-\d{4}$/.test(invoiceNumber), `the issued invoice is numbered (${invoiceNumber})`);
    check((await staff.locator("#amount-due").textContent()) === "11.89 EUR", "the console shows what is due");
    await step(staff, "staff-invoice");
    // Billing's snapshot reaches the portal through billing's outbox moments after the issue.
    let openInvoices = "";
    for (let attempt = 0; attempt < 50 && openInvoices !== "1"; attempt++) {
      if (attempt > 0) await customer.waitForTimeout(100);
      await customer.goto(`${base}/customer`);
      openInvoices = ((await customer.locator("#billing strong").first().textContent()) || "").trim();
    }
    check(await customer.locator("#billing").getByText("Open invoices").count() > 0, "the dashboard has the billing card");
    check(openInvoices === "1", `the dashboard counts the issued invoice as open (${openInvoices})`);
    check((await customer.locator("#billing").textContent()).includes("11.89"), "the dashboard shows the balance due");
    await step(customer, "dashboard-billing");
    await customer.getByRole("navigation").getByRole("link", { name: "Invoices" }).click();
    await step(customer, "invoices");
    await customer.getByRole("link", { name: invoiceNumber }).click();
    check(await customer.locator("#amount-due").textContent() === "11.89 EUR", "the invoice shows what is due");
    await step(customer, "invoice");
    const [invoicePdf] = await Promise.all([
      customer.waitForEvent("download"),
      customer.getByRole("link", { name: "Download PDF" }).click(),
    ]);
    const pdfBytes = fs.readFileSync(await invoicePdf.path());
    check(pdfBytes.subarray(0, 5).toString() === "%PDF-", "the invoice downloads as a PDF");

    await staff.goto(`${base}/admin/quotes/new`);
    await staff.getByLabel("Customer", { exact: true }).selectOption(carlaId);
    await fillLine(staff);
    await staff.getByLabel("Terms", { exact: true }).fill("Half on signing");
    await step(staff, "staff-quote-editor");
    await staff.getByRole("button", { name: "Create draft" }).click();
    await staff.waitForURL(/\/admin\/quotes\/[0-9a-f-]+\?done=saved/);
    const quoteUrl = staff.url().split("?")[0];
    await staff.getByRole("button", { name: "Issue and send quote" }).click();
    await staff.waitForURL(/done=issued/);
    const quoteNumber = (await staff.locator("h1").textContent()).replace("Quote", "").trim();
    await customer.getByRole("navigation").getByRole("link", { name: "Quotes" }).click();
    await step(customer, "quotes");
    await customer.getByRole("link", { name: quoteNumber }).click();
    await step(customer, "quote");
    await customer.getByLabel("Your full name").fill("Carla Client");
    await customer.getByRole("button", { name: "Accept quote" }).click();
    await customer.waitForURL(/done=accepted/);
    check(await customer.locator("#decision").getByText("Carla Client").count() > 0, "the quote shows who accepted it");
    check((await customer.locator("#quote-status").textContent()) === "Accepted", "the quote reads accepted");
    await step(customer, "quote-accepted");
    await staff.goto(quoteUrl);
    check(await staff.locator("#decision").getByText("Carla Client").count() > 0, "staff see who accepted the quote");
    await staff.getByRole("button", { name: "Convert to order" }).click();
    await staff.waitForURL(/done=converted/);
    await staff.getByRole("link", { name: "Order", exact: true }).click();
    check((await staff.locator("#order-status").textContent()) === "Open", "the accepted quote became an open order");
    await step(staff, "staff-order");

    await staff.goto(invoiceUrl);
    await staff.getByRole("button", { name: "Record payment" }).click();
    await staff.waitForURL(/done=payment/);
    check((await staff.locator("#invoice-status").textContent()) === "Paid", "the paid invoice reads paid");
    await step(staff, "staff-invoice-paid");
    await staff.getByRole("link", { name: /^Ledger:/ }).click();
    check(await staff.locator("#balances").getByText("0.00 EUR").count() > 0, "the ledger balance is settled");
    await step(staff, "staff-ledger");
    await staff.goto(`${base}/admin/reports/aging`);
    await step(staff, "staff-aging");
    await staff.goto(`${base}/admin/payments?customer_id=${carlaId}`);
    check(await staff.getByRole("cell", { name: invoiceNumber }).count() > 0, "the payment lists its allocation");
    await step(staff, "staff-payments");
    await customer.goto(`${base}/customer/payments`);
    check(await customer.getByRole("link", { name: invoiceNumber }).count() > 0, "the customer's payment names the invoice it paid");
    await step(customer, "payments");
    await customer.goto(`${base}/customer/ledger`);
    const statement = await customer.evaluate(async () => {
      const form = document.querySelector('form[action="/api/customer/statement/pdf"]');
      const r = await fetch(form.action + "?" + new URLSearchParams(new FormData(form)));
      return [r.status, r.headers.get("content-type")];
    });
    check(statement[0] === 200 && statement[1] === "application/pdf", `the statement form gives its PDF (${statement})`);
    await step(customer, "ledger");
    await customer.goto(`${base}/customer/orders`);
    await customer.locator("table a").first().click();
    check((await customer.locator("#order-status").textContent()) === "Open", "the customer sees the order made from the quote");
    await step(customer, "order");

    // Staff unassign Alpha: the customer's next reload says access was removed.
    await customer.goto(`${base}/customer/projects/${alpha.id}`);
    await pickCustomers(staff, base, alpha.id, []);
    await customer.reload();
    check(await customer.getByText("Access removed").count() > 0, "an unassigned project says access was removed");
    await step(customer, "access-removed");

    // The customer signs out, and their pages send them to sign-in.
    await customer.getByRole("button", { name: "Sign out" }).click();
    await customer.waitForURL(/\/customer\/login/);
    await step(customer, "customer-login");
    await customer.goto(`${base}/customer`);
    check(customer.url().includes("/customer/login"), "a signed-out page goes to sign-in");

    // Signed in again; staff deactivate them: the open page signs them out by itself.
    await signIn(customer, base, "/customer/login", { org: "acme", email: "carla@client.test", password: "carla's long password" });
    await customer.waitForURL(`${base}/customer`);
    const carla = (await api(base, "GET", "/api/admin/customers?q=carla", token)).items[0];
    await staff.goto(`${base}/admin/customers/${carla.id}`);
    await step(staff, "staff-customer");
    await staff.getByLabel(/I understand/).check();
    await staff.getByRole("button", { name: "Deactivate" }).click();
    await staff.waitForURL(/done=account/);
    await customer.waitForURL(/\/customer\/login/, { timeout: 15000 });

    // A German customer sees German.
    await api(base, "POST", "/api/admin/customers/invitations", token, { email: "dora@kunde.test", name: "Dora", locale: "de" });
    const dora = await browser.newContext({ bypassCSP: true, locale: "en-GB" });
    const doraPage = await dora.newPage();
    await doraPage.goto(await linkMailedTo("dora@kunde.test", "/customer/accept-invitation"));
    await setPassword(doraPage, "doras langes passwort");
    await doraPage.waitForURL(`${base}/customer`);
    check(await doraPage.getByRole("heading", { name: /Willkommen/ }).count() > 0, "a German customer's dashboard is German");
    check(await doraPage.locator("html[lang=de]").count() === 1, "the page says it is German");
    await step(doraPage, "dashboard-de");
    // And the switch changes it for anyone.
    await doraPage.getByLabel("Sprache").selectOption("en");
    await doraPage.getByRole("heading", { name: /Welcome/ }).waitFor({ timeout: 5000 });

    // Share links: staff add a customer without an account, issue a quote for them and
    // send it by link from the console; the customer opens the emailed link (no sign-in),
    // downloads the PDF and accepts with a typed name; the console then shows the
    // decision and the link's views and download.
    await staff.goto(`${base}/admin/customers`);
    await staff.getByLabel("Email").fill("erik@link.test");
    await staff.getByLabel("Name").fill("Erik Link");
    await staff.getByRole("button", { name: "Add without an account" }).click();
    await staff.waitForURL(/done=added/);
    await step(staff, "staff-customer-added");
    const erik = (await api(base, "GET", "/api/admin/customers?q=erik", token)).items[0];
    check(erik.status === "no_account", `the customer has no account (${erik.status})`);
    await staff.goto(`${base}/admin/quotes/new`);
    await staff.getByLabel("Customer", { exact: true }).selectOption(erik.id);
    await fillLine(staff);
    await staff.getByRole("button", { name: "Create draft" }).click();
    await staff.waitForURL(/\/admin\/quotes\/[0-9a-f-]+\?done=saved/);
    const linkedQuoteUrl = staff.url().split("?")[0];
    await staff.getByRole("button", { name: "Issue and send quote" }).click();
    await staff.waitForURL(/done=issued/);
    await staff.getByRole("button", { name: "Send by link" }).click();
    await staff.waitForURL(/done=sent/);
    check(await staff.locator("#links tr.link-row").count() === 1, "the console lists the new link");
    await step(staff, "staff-quote-sent");
    const shareLink = await shareLinkMailedTo("erik@link.test");
    const holderContext = await browser.newContext({ bypassCSP: true, locale: "en-GB", acceptDownloads: true });
    const holder = await holderContext.newPage();
    await holder.goto(shareLink);
    const linkHeading = await holder.locator("h1").textContent();
    check(linkHeading.startsWith("Quote"), `the link opens the quote (${linkHeading}, ${shareLink})`);
    await step(holder, "link-quote");
    const [linkPdf] = await Promise.all([
      holder.waitForEvent("download"),
      holder.getByRole("link", { name: "Download PDF" }).click(),
    ]);
    check(fs.readFileSync(await linkPdf.path()).subarray(0, 5).toString() === "%PDF-", "the link downloads the quote's PDF");
    await holder.getByLabel("Your full name").fill("Erik Link");
    await holder.getByRole("button", { name: "Accept quote" }).click();
    await holder.waitForURL(/done=accepted/);
    check((await holder.locator("#quote-status").textContent()) === "Accepted", "the quote reads accepted on the link page");
    await step(holder, "link-quote-accepted");
    await staff.goto(linkedQuoteUrl);
    check(await staff.locator("#decision").getByText("Erik Link").count() > 0, "staff see who accepted by link");
    const views = Number(await staff.locator("#links .link-views").first().textContent());
    const downloads = Number(await staff.locator("#links .link-downloads").first().textContent());
    check(views >= 1 && downloads === 1, `the console shows the link's views and download (${views}, ${downloads})`);
    await step(staff, "staff-quote-decided-by-link");
    await holderContext.close();

    // Requests: a customer opens a support ticket; staff reply once publicly and once
    // internally; the customer sees only the public reply.
    await doraPage.goto(`${base}/customer/requests`);
    await step(doraPage, "requests");
    await doraPage.getByLabel("Category").selectOption("support:bug");
    await doraPage.getByLabel("Title").fill("Upload fails");
    await doraPage.getByLabel("Description").fill("The upload stops halfway");
    await doraPage.getByRole("button", { name: "Send request" }).click();
    await doraPage.waitForURL(/\/customer\/requests\/[0-9a-f-]+\?done=created/);
    const ticketUrl = doraPage.url().split("?")[0];
    await step(doraPage, "request");
    await staff.goto(`${base}/admin/requests`);
    await step(staff, "staff-requests");
    await staff.getByRole("link", { name: "Upload fails" }).click();
    await staff.getByRole("textbox", { name: "Reply to the customer" }).fill("Fixed, please try again");
    await staff.getByRole("button", { name: "Send message" }).click();
    await staff.waitForURL(/done=replied/);
    await staff.getByRole("textbox", { name: "Internal note" }).fill("Customer runs an old browser");
    await staff.getByRole("button", { name: "Add internal note" }).click();
    await staff.waitForURL(/done=replied/);
    check(await staff.locator("#thread li.internal").count() === 1, "the console marks the internal note");
    await step(staff, "staff-request");
    await doraPage.goto(ticketUrl);
    check(await doraPage.getByText("Fixed, please try again").count() === 1, "the customer sees the public reply");
    check(await doraPage.getByText("old browser").count() === 0, "the customer never sees the internal note");
    await step(doraPage, "request-replied");

    // Approvals: staff submit an approval with a PDF; the customer requests changes with
    // feedback; staff upload revision 2; the customer approves; the history shows all
    // four steps with their names.
    await pickCustomers(staff, base, alpha.id, ["dora@kunde.test"]);
    await staff.goto(`${base}/admin/approvals`);
    await step(staff, "staff-approvals");
    await staff.getByLabel("Project").selectOption(alpha.id);
    await staff.getByLabel("Title").fill("Logo design");
    await staff.getByRole("button", { name: "Create draft" }).click();
    await staff.waitForURL(/\/admin\/approvals\/[0-9a-f-]+\?done=created/);
    const approvalUrl = staff.url().split("?")[0];
    await staff.getByLabel("File", { exact: true }).setInputFiles({ name: "logo-v1.pdf", mimeType: "application/pdf", buffer: pdf });
    await staff.getByRole("button", { name: "Add a file" }).click();
    await staff.waitForURL(/done=file/);
    await staff.getByRole("button", { name: "Ask for approval" }).click();
    await staff.waitForURL(/done=submitted/);
    await step(staff, "staff-approval");
    await doraPage.goto(`${base}/customer`);
    const waiting = doraPage.locator("#approvals").getByRole("link", { name: "Logo design" });
    check(await waiting.count() === 1, "the dashboard lists the approval waiting for the customer");
    await step(doraPage, "dashboard-approvals");
    await waiting.click();
    await doraPage.waitForURL(/\/customer\/approvals\/[0-9a-f-]+$/);
    const myApprovalUrl = doraPage.url();
    await step(doraPage, "approval");
    const [v1] = await Promise.all([
      doraPage.waitForEvent("download"),
      doraPage.locator("#current-files a").first().click(),
    ]);
    check(fs.readFileSync(await v1.path()).subarray(0, 5).toString() === "%PDF-", "the customer downloads the approval's PDF");
    await doraPage.getByLabel("Feedback").fill("Make the mark bigger");
    await doraPage.getByRole("button", { name: "Request changes" }).click();
    await doraPage.waitForURL(/done=decided/);
    check((await doraPage.locator("#approval-status").textContent()) === "Changes requested", "the approval reads changes requested");
    await staff.goto(approvalUrl);
    await staff.getByLabel("What changed").fill("Bigger mark");
    await staff.getByRole("button", { name: "New revision" }).click();
    await staff.waitForURL(/done=revised/);
    await staff.getByLabel("File", { exact: true }).setInputFiles({ name: "logo-v2.pdf", mimeType: "application/pdf", buffer: pdf });
    await staff.getByRole("button", { name: "Add a file" }).click();
    await staff.waitForURL(/done=file/);
    await doraPage.goto(myApprovalUrl);
    check(await doraPage.locator("#current-files").getByText("logo-v2.pdf", { exact: true }).count() === 1, "the customer sees revision 2's file");
    await step(doraPage, "approval-revision-2");
    await doraPage.getByRole("button", { name: "Approve", exact: true }).click();
    await doraPage.waitForURL(/done=decided/);
    check((await doraPage.locator("#approval-status").textContent()) === "Approved", "the approval reads approved");
    await staff.goto(approvalUrl);
    for (const [action, name] of [
      ["submitted", OWNER.email],
      ["changes_requested", "Dora"],
      ["revision_submitted", OWNER.email],
      ["approved", "Dora"],
    ]) {
      const entry = staff.locator(`#history li[data-action="${action}"]`);
      check(await entry.count() === 1, `the history has one ${action} step`);
      check((await entry.textContent()).includes(name), `the ${action} step names ${name}`);
    }
    check((await staff.locator('#history li[data-action="changes_requested"]').textContent()).includes("Make the mark bigger"), "the history keeps the feedback");
    await step(staff, "staff-approval-approved");

    // A guest opens the gallery with its password.
    const guest = await (await browser.newContext({ bypassCSP: true })).newPage();
    await guest.goto(`${base}/gallery/acme/${summer.slug}`);
    await step(guest, "gallery-locked");
    await guest.getByLabel("Gallery password").fill("wrong password");
    await guest.getByRole("button", { name: "Open gallery" }).click();
    check(await guest.getByRole("alert").count() > 0, "a wrong gallery password is refused");
    await guest.getByLabel("Gallery password").fill("sunny guest pass");
    await guest.getByRole("button", { name: "Open gallery" }).click();
    await guest.getByRole("heading", { name: "Summer Shoot" }).waitFor();
    check(await guest.locator("ul.gallery img").count() === 1, "the guest sees the public photo");
    check(await guest.locator("ul.gallery img").first().evaluate((img) => img.complete && img.naturalWidth > 0), "the guest's thumb loads");
    await step(guest, "gallery");

    // The other pages, for axe and the layout.
    for (const [page, url, name] of [
      [staff, "/admin/projects", "staff-projects"],
      [staff, "/admin/customers/invitations", "staff-invitations"],
      [staff, "/admin/staff", "staff-staff"],
      [staff, "/admin/notifications", "staff-notifications"],
      [staff, "/admin/outbox", "staff-outbox"],
      [staff, "/admin/audit", "staff-audit"],
      [staff, "/admin/settings", "staff-settings"],
      [staff, "/admin/profile", "staff-profile"],
      [staff, "/admin/settings/templates", "staff-templates"],
      [staff, "/admin/settings/templates/customer_invitation/de", "staff-template"],
      [customer, "/customer/forgot-password?org=acme", "forgot"],
      [customer, "/customer/reset-password?token=x", "reset"],
      [customer, "/customer/login", "login-without-org"],
      [customer, "/customer/accept-invitation?token=spent", "accept-invitation-dead-link"],
      [customer, "/admin/forgot-password", "staff-forgot"],
      [customer, "/admin/reset-password?token=x", "staff-reset"],
      [customer, "/admin/accept-invitation?token=x", "staff-accept-invitation"],
    ]) {
      await page.goto(base + url);
      await step(page, name);
    }
    if (process.env.ATRIUM_SCREENSHOTS) {
      // The README's pictures: the dashboard and the customer picker, at a laptop's width.
      fs.mkdirSync(process.env.ATRIUM_SCREENSHOTS, { recursive: true });
      await pickCustomers(staff, base, alpha.id, ["dora@kunde.test"]);
      await staff.screenshot({ path: path.join(process.env.ATRIUM_SCREENSHOTS, "console-project.png") });
      await doraPage.goto(`${base}/customer`);
      await doraPage.screenshot({ path: path.join(process.env.ATRIUM_SCREENSHOTS, "portal-dashboard.png") });
    }
    for (const file of steps) fs.rmSync(file, { force: true });
    console.log(`browser: ok (${steps.length} steps, ${checkedPages.size} pages checked by axe at 360 and 1440 px)`);
  } finally {
    await browser?.close();
    atrium.child.kill("SIGTERM");
    sink.close();
    fs.rmSync(atrium.dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => {
  fs.mkdirSync(artifacts, { recursive: true });
  for (const file of steps) {
    if (fs.existsSync(file)) fs.renameSync(file, path.join(artifacts, path.basename(file)));
  }
  console.error(`browser: FAILED: ${err.stack || err}\nscreenshots of each step: ${artifacts}`);
  process.exit(1);
});
