import type { AuthContext, BetterAuthPlugin, DBAdapter } from "better-auth";
import type { Mail } from "./transport.ts";

/**
 * At most a few mails to one address in a while, whoever asks: Better Auth's own limits count
 * requests per client, and many clients could still flood one inbox. Counted when a mail is
 * really sent, not when it is asked for: a request that sends nothing (an unknown address, an
 * address confirmed already) counts for nothing, so nobody can use up an owner's allowance
 * without putting a working link in their inbox. Counted where Better Auth counts its own limits
 * (every instance shares them), under the key `mail:<address>`: in the session store (Redis's
 * atomic INCR) if the site has one, else in the rateLimit table. Past the limit a mail is not sent, and
 * the request's answer does not change (it would tell whether the address has an account).
 */
export interface MailRule {
  windowSeconds: number;
  max: number;
}

/** One address's count: how many mails since the window began (epoch ms). */
export interface MailWindow {
  count: number;
  start: number;
}

export type MailDecision =
  { allowed: true; window: MailWindow } | { allowed: false; retryAfterSeconds: number };

export const MAIL_RULE: MailRule = { windowSeconds: 15 * 60, max: 3 };

/** Whether one more mail may go to an address whose count is `previous`, at `now` (epoch ms). */
export function decideMail(previous: MailWindow | null, now: number, rule: MailRule): MailDecision {
  const windowMs = rule.windowSeconds * 1000;
  if (!previous || now - previous.start >= windowMs || now < previous.start) {
    return { allowed: true, window: { count: 1, start: now } };
  }
  if (previous.count >= rule.max) {
    return {
      allowed: false,
      retryAfterSeconds: Math.ceil((previous.start + windowMs - now) / 1000),
    };
  }
  return { allowed: true, window: { count: previous.count + 1, start: previous.start } };
}

interface RateLimitRow {
  key: string;
  count: number;
  lastRequest: number;
}

/** Compare-and-swap rounds before a mail is refused (each loses only to another instance's count). */
const ATTEMPTS = 8;

/**
 * A count per key in a window, shared by every instance: its plugin (which gives it Better Auth's
 * database and session store), and `allow`, which counts one more unless the key is at its
 * maximum. `id` names the plugin, `prefix` the keys (`<prefix>:<key>`).
 */
export function windowLimit(id: string, prefix: string, rule: MailRule) {
  let adapter: DBAdapter | undefined;
  let sessionStore: AuthContext["secondaryStorage"];

  async function read(db: DBAdapter, key: string): Promise<MailWindow | null> {
    const row = await db.findOne<RateLimitRow>({
      model: "rateLimit",
      where: [{ field: "key", value: key }],
    });
    // lastRequest holds when this key's window began.
    return row ? { count: row.count, start: Number(row.lastRequest) } : null;
  }

  /**
   * Whether `name` may count once more now; if so, it is counted. Atomic across instances:
   * the count is written only if the row still holds what was read (a compare-and-swap), and a
   * first count only if no instance made the row first (the key is unique); the loser reads
   * again. Two instances asked at once can never both take the last allowed count.
   */
  async function allow(name: string, now = Date.now()): Promise<boolean> {
    const db = adapter;
    if (!db) throw new Error(`${id}: its plugin is not in Better Auth's plugins`);
    const key = `${prefix}:${name}`;
    if (sessionStore?.increment) {
      // One atomic count, the window starting with the first (the key expires with it).
      return (await sessionStore.increment(key, rule.windowSeconds)) <= rule.max;
    }
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const previous = await read(db, key);
      const decision = decideMail(previous, now, rule);
      if (!decision.allowed) return false;
      const data = { count: decision.window.count, lastRequest: decision.window.start };
      if (!previous) {
        try {
          await db.create({ model: "rateLimit", data: { key, ...data } });
          return true;
        } catch (error) {
          if (!(await read(db, key))) throw error; // not a lost race: a database error
          continue;
        }
      }
      const written = await db.incrementOne({
        model: "rateLimit",
        where: [
          { field: "key", value: key },
          { field: "count", value: previous.count },
          { field: "lastRequest", value: previous.start },
        ],
        increment: {},
        set: data,
      });
      if (written) return true;
    }
    // Contention this long means a flood: refusing is the safe side.
    console.warn(`${id}: refused ${key}: its count kept changing (${ATTEMPTS} tries)`);
    return false;
  }

  const plugin = {
    id,
    init: (context) => {
      adapter = context.adapter;
      sessionStore = context.secondaryStorage;
    },
    // Better Auth deletes rateLimit rows older than the longest window it knows of: this rule
    // (for no path) makes it know this window, so a key's count lasts the whole window.
    rateLimit: [{ window: rule.windowSeconds, max: rule.max, pathMatcher: () => false }],
  } satisfies BetterAuthPlugin;

  return { plugin, allow };
}

/** The mail limiter: its plugin, the check before a send, and the log line of a mail not sent. */
export function mailLimits(rule: MailRule = MAIL_RULE) {
  const { plugin, allow } = windowLimit("mail-limits", "mail", rule);

  function dropped(mail: Mail): void {
    console.warn(
      `mail: not sent to ${mail.to}: "${mail.subject}" (${rule.max} mails to this address ` +
        `in ${rule.windowSeconds / 60} minutes already)`,
    );
  }

  return {
    plugin,
    allow: (address: string, now?: number) => allow(address.trim().toLowerCase(), now),
    dropped,
  };
}
