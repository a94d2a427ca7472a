import type { Mail } from "./transport.ts";

/** The messages Better Auth asks the site to send: short, the same words in HTML and text. */

interface Message {
  subject: string;
  lead: string;
  action: string;
  after: string;
}

export function passwordResetMail(appName: string, to: string, link: string): Mail {
  return compose(appName, to, link, {
    subject: `Reset your ${appName} password`,
    lead: `Someone (we hope you) asked to reset the password of your ${appName} account.`,
    action: "Choose a new password",
    after:
      "The link works once, within an hour. Setting a new password signs you out everywhere " +
      "else. If you did not ask for this, ignore this email: your password stays as it is.",
  });
}

export function verificationMail(appName: string, to: string, link: string): Mail {
  return compose(appName, to, link, {
    subject: `Confirm your email for ${appName}`,
    lead: `Please confirm that ${to} is your email address for ${appName}.`,
    action: "Confirm my email",
    after: "If you did not create an account, ignore this email.",
  });
}

/** Someone signed up with the address of an account whose owner confirmed it. */
export function addressTakenMail(appName: string, to: string, signInLink: string): Mail {
  return compose(appName, to, signInLink, {
    subject: `Your ${appName} account`,
    lead: `Someone (perhaps you) tried to create a ${appName} account with ${to}, which has one already.`,
    action: "Sign in",
    after:
      'Forgot your password? Choose "Forgot password?" there. If it was not you, ignore this ' +
      "email: nothing changed.",
  });
}

/**
 * Someone signed up with the address of an account nobody confirmed yet: whoever holds this
 * inbox takes it, with a password of their own (the link is Better Auth's reset link).
 */
export function claimAccountMail(appName: string, to: string, link: string): Mail {
  return compose(appName, to, link, {
    subject: `Choose your ${appName} password`,
    lead: `An account for ${to} is waiting on ${appName}, and it is yours: choose its password.`,
    action: "Choose my password",
    after:
      "The link works once, within an hour, and confirms your email. Any password set for " +
      "this address before was removed: only the holder of this inbox can sign in.",
  });
}

/** Someone invited this address into an organization (with organizations). */
export function invitationMail(
  appName: string,
  to: string,
  inviter: string,
  organization: string,
  link: string,
): Mail {
  return compose(appName, to, link, {
    subject: `${inviter} invited you to ${organization} on ${appName}`,
    lead: `${inviter} invited ${to} to join ${organization} on ${appName}.`,
    action: "See the invitation",
    after:
      "The link works for two days. Sign in (or create your account) with this address to " +
      "accept or decline it. If you did not expect it, ignore this email.",
  });
}

function compose(appName: string, to: string, link: string, message: Message): Mail {
  const text = [message.lead, "", `${message.action}: ${link}`, "", message.after, "", appName];
  const html = `<!doctype html>
<html lang="en">
  <body style="margin:0;padding:24px;background:#f4f4f5;font-family:system-ui,sans-serif;color:#18181b">
    <div style="max-width:480px;margin:0 auto;padding:24px;background:#ffffff;border-radius:12px">
      <p style="margin:0 0 16px;font-weight:600">${escape(appName)}</p>
      <p style="margin:0 0 24px">${escape(message.lead)}</p>
      <p style="margin:0 0 24px">
        <a href="${escape(link)}" style="display:inline-block;padding:10px 16px;background:#4f46e5;color:#ffffff;border-radius:8px;text-decoration:none;font-weight:600">${escape(message.action)}</a>
      </p>
      <p style="margin:0 0 8px;font-size:13px;color:#52525b">${escape(message.after)}</p>
      <p style="margin:0;font-size:13px;color:#52525b;word-break:break-all">${escape(link)}</p>
    </div>
  </body>
</html>
`;
  return { to, subject: message.subject, text: text.join("\n"), html, link };
}

function escape(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!,
  );
}
