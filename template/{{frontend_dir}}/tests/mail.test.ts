import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { passwordResetMail, verificationMail } from "../lib/mail/messages.ts";
import { mailSender, mailSettings } from "../lib/mail/transport.ts";

describe("mailSettings", () => {
  it("stops a production server without SMTP_URL, saying what to set", () => {
    expect(() => mailSettings(undefined, { NODE_ENV: "production" })).toThrow(
      /SMTP_URL is not set: .* Set SMTP_URL \(smtp:\/\/user:password@host:587\) and EMAIL_FROM/,
    );
  });

  it("lets `next build` (NODE_ENV=production, sends nothing) run without one", () => {
    const env = { NODE_ENV: "production", NEXT_PHASE: "phase-production-build" } as const;
    expect(mailSettings(undefined, env).smtpUrl).toBeUndefined();
  });

  it("refuses an address that is not SMTP's", () => {
    for (const url of ["http://mail.example.com", "mail.example.com:587", "smtp://"]) {
      expect(() => mailSettings(url, {})).toThrow(/SMTP_URL is not an SMTP address/);
    }
  });

  it("asks for a sender address of one's own with a mail server", () => {
    expect(() => mailSettings("smtp://mail.example.com:587", {})).toThrow(/EMAIL_FROM is not set/);
    const settings = mailSettings("smtps://u:p@mail.example.com", {
      EMAIL_FROM: "My App <no-reply@example.com>",
      NODE_ENV: "production",
    });
    expect(settings).toMatchObject({ from: "My App <no-reply@example.com>", production: true });
  });
});

describe("development mail, without SMTP_URL", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is printed with its link and kept in the outbox, readable by its owner only", async () => {
    const outbox = join(mkdtempSync(join(tmpdir(), "mail-")), ".outbox");
    const printed: string[] = [];
    vi.spyOn(console, "info").mockImplementation((line: string) => printed.push(line));
    const send = mailSender(mailSettings(undefined, { MAIL_OUTBOX: outbox }));
    await send(passwordResetMail("My App", "ann@example.com", "http://localhost:3000/r/abc"));

    expect(printed).toContain("mail: link: http://localhost:3000/r/abc");
    const [file] = readdirSync(outbox);
    const kept = readFileSync(join(outbox, file!), "utf8");
    expect(kept).toContain("To: ann@example.com\nSubject: Reset your My App password\n");
    expect(kept).toContain("Choose a new password: http://localhost:3000/r/abc");
    expect(statSync(join(outbox, file!)).mode & 0o777).toBe(0o600);
    expect(statSync(outbox).mode & 0o777).toBe(0o700);
  });
});

describe("the messages", () => {
  it("say the same in text and HTML, with the project's name and the link", () => {
    for (const mail of [
      passwordResetMail("My App", "ann@example.com", "https://app.example.com/x?a=1&b=2"),
      verificationMail("My App", "ann@example.com", "https://app.example.com/x?a=1&b=2"),
    ]) {
      expect(mail.subject).toContain("My App");
      expect(mail.text).toContain("https://app.example.com/x?a=1&b=2");
      expect(mail.html).toContain('href="https://app.example.com/x?a=1&amp;b=2"');
      expect(mail.text.split("\n").at(-1)).toBe("My App");
    }
  });

  it("escape what they show in HTML", () => {
    const mail = verificationMail('<b>"Shop"</b>', "ann@example.com", "https://a.example/v");
    expect(mail.html).toContain("&lt;b&gt;&quot;Shop&quot;&lt;/b&gt;");
    expect(mail.html).not.toContain("<b>");
  });
});
