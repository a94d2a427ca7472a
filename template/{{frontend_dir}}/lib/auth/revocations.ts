import {
  type AuthContext,
  type BetterAuthPlugin,
  type GenericEndpointContext,
  type User,
  getCurrentAdapter,
} from "better-auth";
import {
  APIError,
  createAuthEndpoint,
  createAuthMiddleware,
  getSessionFromCtx,
} from "better-auth/api";
import { type Where, everyRow } from "./every-row.ts";

/**
 * The revocation list: the sessions that ended before they expired, and the users whose claims
 * changed, kept in Better Auth's own database (every `next start` instance sees the same list)
 * for as long as a token of theirs could still be valid. The API fetches it, signed, from
 * /api/auth/revocations and refuses those sessions' tokens within seconds: the whole list once,
 * then every few seconds only what changed since (`?since=<the list's "through">`), so a poll
 * that finds nothing new costs one indexed query and a small signature, however long the list is.
 *
 * A change of claims (`auth.api.changeClaims`: a role granted or taken away) raises the user's
 * `claimsVersion` in the same write as the claims, and every token carries the version it was made
 * with (`claims_version`, lib/auth/claims.ts): the API refuses a token whose version is below the
 * listed one, and the client fetches a new token of the same session, which carries the new
 * claims. A version, not a time: tokens' `iat` has whole seconds, so "issued before the change"
 * cannot be told apart from "issued in the same second after it".
 */

/** The JWS `typ` of a list: the API's access-token check refuses it, so a list is never a token. */
export const REVOCATION_LIST_TYPE = "revocations+jwt";
/** A list is valid this long: an old list replayed by someone who answers for the URL expires. */
export const LIST_LIFETIME_SECONDS = 60;
/** Beyond a token's lifetime, an entry outlives the largest leeway the API allows. */
const MAX_LEEWAY_SECONDS = 300;
/**
 * A list is built at most this often, and every caller in between gets the one built last, from
 * memory (also while the next is being built): a flood of fetches costs no query and no signing.
 */
export const REBUILD_LIST_MS = 250;
/** How many session ids one query looks up. */
const QUERY_CHUNK = 500;
/** Expired entries are swept at most this often, by whichever instance serves the list. */
const SWEEP_INTERVAL_MS = 60_000;
/**
 * An entry recorded this long before a list is built was committed before it: longer than a
 * recording transaction lasts plus the clock difference between two instances. A list names every
 * entry recorded until `iat - COMMITTED_SECONDS` (its `through`); the next change list starts there.
 */
export const COMMITTED_SECONDS = 30;
/** Change lists start on a multiple of this: callers asking since nearby times share one build. */
export const CHANGES_STEP_SECONDS = 10;
/** A caller asking for changes since longer ago than this gets the whole list. */
export const MAX_CHANGES_SECONDS = 600;
/** A change list of this many entries is answered with the whole list instead. */
export const MAX_CHANGES = 10_000;

/**
 * What a list says: each ended session's id, and until when (epoch seconds) it matters. The whole
 * list has no `since`; a change list names only the entries recorded after `since` (and may repeat
 * some before). Either names every entry recorded until `through`.
 */
export interface RevocationListPayload {
  iat: number;
  exp: number;
  through: number;
  since?: number;
  sessions: Record<string, number>;
  /** By user id: the lowest claims version still accepted, and until when it matters. */
  changedClaims: Record<string, ChangedClaims>;
}

/** A user's tokens with a lower `claims_version` are refused until `until` (epoch seconds). */
export interface ChangedClaims {
  version: number;
  until: number;
}

/** Signs a list with the key the API already trusts (this token mode's, lib/auth/token-plugins.ts). */
export type RevocationListSigner = (
  ctx: GenericEndpointContext,
  payload: RevocationListPayload,
) => Promise<string>;

interface RevokedSession {
  sessionId: string;
  expiresAt: Date;
  /** When it was last recorded (null on rows from before change lists: the whole list has them). */
  changedAt?: Date | null;
}

interface ClaimsChange {
  userId: string;
  version: number;
  expiresAt: Date;
  changedAt: Date;
}

interface SessionRow {
  id: string;
  token: string;
  userId: string;
  expiresAt: Date | string;
}

const MODEL = "revokedSession";
/** The organization plugin's endpoints that change a member's roles or membership. */
const ORGANIZATION_CHANGES = new Set([
  "/organization/remove-member",
  "/organization/update-member-role",
  "/organization/leave",
  "/organization/delete",
]);
const CLAIMS_MODEL = "claimsChange";
/** Tries at recording a claims change while other changes of the same user record theirs. */
const RECORD_ATTEMPTS = 4;
/** The user field that goes up by one with every change of their claims. */
export const CLAIMS_VERSION_FIELD = "claimsVersion";

/**
 * Endpoints that end every session of a user (but the caller's, for revoke-other-sessions).
 * Better Auth runs the delete hook for at most 100 rows of such a sweep (its default query
 * limit), so the first row's hook records them all.
 */
const USER_WIDE_PATHS = new Set([
  // An unconfirmed account's sessions, when someone signs up with its address (lib/auth/sign-ups.ts).
  "/sign-up/email",
  "/revoke-sessions",
  "/revoke-other-sessions",
  "/change-password",
  "/reset-password",
  "/delete-user",
  "/delete-user/callback",
]);

type Adapter = Awaited<ReturnType<typeof getCurrentAdapter>>;
/**
 * The signed list as every caller gets it: built at most once per REBUILD_LIST_MS, by one caller
 * at a time, who waits for it (a list is never older than that when nobody else asks, as when
 * the API alone fetches it). Whoever asks while a build runs gets the list built last, from
 * memory, if it is still valid: a flood of fetches waits for no query and starts none.
 */
export class ListCache {
  private last?: { builtAt: number; list: string };
  private building?: Promise<string>;

  async get(build: () => Promise<string>, now = Date.now()): Promise<string> {
    const age = this.last ? now - this.last.builtAt : Infinity;
    if (this.last && age < REBUILD_LIST_MS) return this.last.list;
    if (this.building) {
      // The API refuses an expired list: past its lifetime, wait for the next one.
      return this.last && age < LIST_LIFETIME_SECONDS * 1000 ? this.last.list : this.building;
    }
    this.building = build()
      .then((list) => {
        this.last = { builtAt: now, list };
        return list;
      })
      .catch((error: unknown) => {
        console.error(`revocations: the list could not be built: ${String(error)}`);
        throw error;
      })
      .finally(() => {
        this.building = undefined;
      });
    return this.building;
  }
}

export function revocationList(options: {
  sign: RevocationListSigner;
  tokenLifetimeSeconds: number;
}) {
  const entryLifetimeMs = (options.tokenLifetimeSeconds + MAX_LEEWAY_SECONDS) * 1000;
  // The requests whose user-wide sweep is recorded already, with the users swept.
  const swept = new WeakMap<object, Set<string>>();
  let lastSweep = 0;
  // Better Auth's secondary storage, if the site has one (lib/server/session-store.ts).
  let sessionStore: AuthContext["secondaryStorage"];
  const cache = new ListCache();
  const changeCaches = new Map<number, ListCache>();

  /**
   * Record these sessions until their tokens can no longer be valid. A session listed already
   * keeps the later of its two ends: one that went on minting tokens after it was listed (ended
   * again now) stays listed as long as those tokens live.
   */
  async function record(adapter: Adapter, sessions: SessionRow[]): Promise<void> {
    // First out of the session store (Redis), where Better Auth looks before the database: a copy
    // left there would bring the session back. If the store cannot be reached, this throws, and
    // the session is not ended at all rather than ended in the database only.
    for (const session of sessions) await sessionStore?.delete(session.token);
    const now = Date.now();
    // Tokens are issued only while a session lives: one that expired long ago has none left.
    const entries = sessions
      .map((session) => ({
        sessionId: session.id,
        expiresAt: new Date(Math.min(now, new Date(session.expiresAt).getTime()) + entryLifetimeMs),
        changedAt: new Date(now),
      }))
      .filter((entry) => entry.expiresAt.getTime() > now);
    // In chunks: a database caps the values one query may bind (SQLite: 32,766).
    for (let start = 0; start < entries.length; start += QUERY_CHUNK) {
      const chunk = entries.slice(start, start + QUERY_CHUNK);
      const known = await adapter.findMany<RevokedSession>({
        model: MODEL,
        where: [{ field: "sessionId", operator: "in", value: chunk.map((e) => e.sessionId) }],
        limit: chunk.length,
      });
      const listedUntil = new Map(
        known.map((entry) => [entry.sessionId, new Date(entry.expiresAt).getTime()]),
      );
      for (const entry of chunk) {
        const until = listedUntil.get(entry.sessionId);
        if (until === undefined) {
          await adapter.create<RevokedSession>({ model: MODEL, data: entry });
        } else if (until < entry.expiresAt.getTime()) {
          await adapter.update<RevokedSession>({
            model: MODEL,
            where: [{ field: "sessionId", value: entry.sessionId }],
            update: { expiresAt: entry.expiresAt, changedAt: entry.changedAt },
          });
        }
      }
    }
  }

  /**
   * Record that the user's tokens below `version` are refused, until every token made before now
   * has expired. A user listed already keeps the higher version (two changes at once may record
   * in either order).
   */
  async function recordClaimsChange(adapter: Adapter, userId: string, version: number) {
    const now = Date.now();
    const entry = { version, expiresAt: new Date(now + entryLifetimeMs), changedAt: new Date(now) };
    for (let attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
      const known = await adapter.findOne<ClaimsChange>({
        model: CLAIMS_MODEL,
        where: [{ field: "userId", value: userId }],
      });
      if (known && Number(known.version) >= version) return;
      if (known) {
        const written = await adapter.update<ClaimsChange>({
          model: CLAIMS_MODEL,
          where: [
            { field: "userId", value: userId },
            { field: "version", value: known.version },
          ],
          update: entry,
        });
        if (written) return;
      } else {
        try {
          await adapter.create<ClaimsChange>({ model: CLAIMS_MODEL, data: { userId, ...entry } });
          return;
        } catch (error) {
          // Another change made the row first (userId is unique): read it again.
          if (attempt === RECORD_ATTEMPTS) throw error;
        }
      }
    }
    throw new Error(`revocations: the claims change of ${userId} could not be recorded`);
  }

  /**
   * Set these claims of the user (none: a change elsewhere, such as their organization role) and
   * raise their claims version in one write, and record the version for the API; the user as
   * written, or null for an unknown user (nothing recorded).
   */
  async function raiseClaimsVersion(
    context: AuthContext,
    userId: string,
    claims: Record<string, unknown> = {},
  ): Promise<(User & Record<string, unknown>) | null> {
    const user = await context.adapter.transaction(async (trx) => {
      // A user from before claims versions has none yet: 0, so that adding one is atomic.
      await trx.updateMany({
        model: "user",
        where: [
          { field: "id", value: userId },
          { field: CLAIMS_VERSION_FIELD, value: null },
        ],
        update: { [CLAIMS_VERSION_FIELD]: 0 },
      });
      const changed = await trx.incrementOne<User & Record<string, unknown>>({
        model: "user",
        where: [{ field: "id", value: userId }],
        increment: { [CLAIMS_VERSION_FIELD]: 1 },
        set: { ...claims, updatedAt: new Date() },
      });
      if (changed) await recordClaimsChange(trx, userId, Number(changed[CLAIMS_VERSION_FIELD]));
      return changed;
    });
    // The copies of their sessions in the session store carry the user too.
    if (user) await context.internalAdapter.refreshUserSessions(user);
    return user;
  }

  // The members of each organization being deleted, from before to after the deletion.
  const membersOfDeleted = new Map<string, string[]>();

  /** Whose roles or membership the organization plugin's answer says it changed. */
  function changedMembers(ctx: GenericEndpointContext, returned: unknown): string[] {
    const answer = returned as { userId?: unknown; member?: { userId?: unknown } } | null;
    let userIds: unknown[] = [];
    if (ctx.path === "/organization/remove-member") userIds = [answer?.member?.userId];
    else if (ctx.path === "/organization/delete") {
      const organizationId = (ctx.body as { organizationId?: unknown } | undefined)?.organizationId;
      userIds = (typeof organizationId === "string" && membersOfDeleted.get(organizationId)) || [];
      if (typeof organizationId === "string") membersOfDeleted.delete(organizationId);
    } else userIds = [answer?.userId]; // update-member-role and leave answer the member
    return userIds.filter((userId): userId is string => typeof userId === "string");
  }

  /** Every session of this user but `kept`. */
  function sessionsOf(adapter: Adapter, userId: string, kept?: string): Promise<SessionRow[]> {
    const where: Where = [{ field: "userId", value: userId }];
    if (kept) where.push({ field: "id", operator: "ne", value: kept });
    return everyRow<SessionRow>(adapter, "session", where);
  }

  /** Record every session of this user (but `kept`), before they all end. */
  async function recordAllSessionsOf(adapter: Adapter, userId: string, kept?: string) {
    await record(adapter, await sessionsOf(adapter, userId, kept));
  }

  /**
   * Sign the list of every entry still in force, or, from `since` (epoch seconds), of those
   * recorded after it.
   */
  async function buildList(ctx: GenericEndpointContext, since?: number): Promise<string> {
    const now = new Date();
    if (since === undefined && now.getTime() - lastSweep > SWEEP_INTERVAL_MS) {
      lastSweep = now.getTime();
      for (const model of [MODEL, CLAIMS_MODEL]) {
        await ctx.context.adapter.deleteMany({
          model,
          where: [{ field: "expiresAt", operator: "lte", value: now }],
        });
      }
    }
    const inForce: Where = [{ field: "expiresAt", operator: "gt", value: now }];
    let rows: RevokedSession[] | undefined;
    let changes: ClaimsChange[] | undefined;
    if (since !== undefined) {
      // Unsorted, so the database reads the changedAt index, not every row in id order; past
      // MAX_CHANGES rows (a mass sign-out), the whole list is the smaller answer to build.
      const changedSince: Where = [
        ...inForce,
        { field: "changedAt", operator: "gt", value: new Date(since * 1000) },
      ];
      const [ended, changed] = await Promise.all(
        [MODEL, CLAIMS_MODEL].map((model) =>
          ctx.context.adapter.findMany({ model, where: changedSince, limit: MAX_CHANGES }),
        ),
      );
      if (ended.length === MAX_CHANGES || changed.length === MAX_CHANGES) return buildList(ctx);
      rows = ended as RevokedSession[];
      changes = changed as ClaimsChange[];
    }
    rows ??= await everyRow<RevokedSession>(ctx.context.adapter, MODEL, inForce);
    changes ??= await everyRow<ClaimsChange>(ctx.context.adapter, CLAIMS_MODEL, inForce);
    const iat = Math.floor(now.getTime() / 1000);
    const sessions = Object.fromEntries(
      rows.map((row) => [row.sessionId, Math.ceil(new Date(row.expiresAt).getTime() / 1000)]),
    );
    const changedClaims = Object.fromEntries(
      changes.map((row) => [
        row.userId,
        {
          version: Number(row.version),
          until: Math.ceil(new Date(row.expiresAt).getTime() / 1000),
        },
      ]),
    );
    const through = iat - COMMITTED_SECONDS;
    const payload = { iat, exp: iat + LIST_LIFETIME_SECONDS, through, sessions, changedClaims };
    return options.sign(ctx, since === undefined ? payload : { ...payload, since });
  }

  /**
   * Where the change list for a caller who holds everything until `since` starts: on a step at or
   * before it, so a flood of different `since` values builds at most one list per step. None (the
   * whole list) for a `since` that is missing, malformed, in the future or too long ago.
   */
  function changesFrom(since: unknown, nowSeconds: number): number | undefined {
    const seconds = typeof since === "string" && /^\d{1,12}$/.test(since) ? Number(since) : NaN;
    if (!(seconds <= nowSeconds && nowSeconds - seconds <= MAX_CHANGES_SECONDS)) return undefined;
    return Math.floor(seconds / CHANGES_STEP_SECONDS) * CHANGES_STEP_SECONDS;
  }

  /** One cache per change list's start, dropped once no caller can ask for it. */
  function cacheFor(from: number | undefined, nowSeconds: number): ListCache {
    if (from === undefined) return cache;
    for (const start of changeCaches.keys()) {
      if (start < nowSeconds - MAX_CHANGES_SECONDS - CHANGES_STEP_SECONDS) {
        changeCaches.delete(start);
      }
    }
    const found = changeCaches.get(from) ?? new ListCache();
    changeCaches.set(from, found);
    return found;
  }

  return {
    id: "revocation-list",
    schema: {
      [MODEL]: {
        fields: {
          sessionId: { type: "string", required: true, unique: true },
          expiresAt: { type: "date", required: true, index: true },
          changedAt: { type: "date", required: false, index: true },
        },
      },
      [CLAIMS_MODEL]: {
        fields: {
          userId: { type: "string", required: true, unique: true },
          version: { type: "number", required: true },
          expiresAt: { type: "date", required: true, index: true },
          changedAt: { type: "date", required: true, index: true },
        },
      },
      user: {
        fields: {
          // Set by the server only (input: false), in the same write as the claims it counts.
          [CLAIMS_VERSION_FIELD]: {
            type: "number",
            required: false,
            input: false,
            defaultValue: 0,
          },
        },
      },
    },
    init: (context) => {
      sessionStore = context.secondaryStorage;
      return {
        options: {
          databaseHooks: {
            session: {
              delete: {
                // Before the session row goes, in the same transaction if there is one: if
                // recording fails, the session is not ended (never ended at the frontend but
                // alive at the API). Sign-out, revoke-session(s), a password change or reset, a
                // deleted user: Better Auth ends sessions through this hook.
                before: async (session, endpoint) => {
                  const adapter = await getCurrentAdapter(context.adapter);
                  if (!endpoint || !USER_WIDE_PATHS.has(endpoint.path)) {
                    return record(adapter, [session]);
                  }
                  const users = swept.get(endpoint) ?? new Set<string>();
                  swept.set(endpoint, users);
                  if (users.has(session.userId)) return;
                  users.add(session.userId);
                  const kept =
                    endpoint.path === "/revoke-other-sessions"
                      ? endpoint.context.session?.session.id
                      : undefined;
                  await recordAllSessionsOf(adapter, session.userId, kept);
                },
              },
            },
          },
        },
      };
    },
    endpoints: {
      /** Server only (`auth.api.endUserSessions`): end every session of a user, e.g. a banned one. */
      endUserSessions: createAuthEndpoint.serverOnly(
        { method: "POST", metadata: { $Infer: { body: {} as { userId: string } } } },
        async (ctx) => {
          const userId: unknown = (ctx.body as { userId?: unknown } | undefined)?.userId;
          if (typeof userId !== "string") {
            throw new APIError("BAD_REQUEST", { message: "userId: the user whose sessions end" });
          }
          const adapter = await getCurrentAdapter(ctx.context.adapter);
          await recordAllSessionsOf(adapter, userId);
          await ctx.context.internalAdapter.deleteUserSessions(userId);
          return ctx.json({ ended: true });
        },
      ),
      /**
       * Server only (`auth.api.changeClaims`): set some of a user's claims (fields with
       * `input: false`), and have the API refuse their tokens made before, within seconds. Their
       * sessions go on: the next token of each carries the new claims.
       */
      changeClaims: createAuthEndpoint.serverOnly(
        {
          method: "POST",
          metadata: {
            $Infer: { body: {} as { userId: string; claims: Record<string, unknown> } },
          },
        },
        async (ctx) => {
          const { userId, claims } = (ctx.body ?? {}) as { userId?: unknown; claims?: unknown };
          if (typeof userId !== "string" || typeof claims !== "object" || claims === null) {
            throw new APIError("BAD_REQUEST", {
              message: "userId: the user; claims: the fields to set, by name",
            });
          }
          // Only the user's own fields that the server alone sets (input: false), never the
          // version itself: a claim, not the email or the id.
          const fields: Record<string, { input?: boolean }> = ctx.context.tables.user.fields;
          const refused = Object.keys(claims).filter(
            (name) => name === CLAIMS_VERSION_FIELD || fields[name]?.input !== false,
          );
          if (refused.length) {
            throw new APIError("BAD_REQUEST", {
              message: `Not claims the server sets: ${refused.join(", ")}`,
            });
          }
          const user = await raiseClaimsVersion(
            ctx.context,
            userId,
            claims as Record<string, unknown>,
          );
          if (!user) throw new APIError("NOT_FOUND", { message: "No such user" });
          return ctx.json({ claimsVersion: Number(user[CLAIMS_VERSION_FIELD]) });
        },
      ),
      getRevocationList: createAuthEndpoint(
        "/revocations",
        { method: "GET", metadata: { $Infer: { query: {} as { since?: string } } } },
        async (ctx) => {
          ctx.setHeader("Cache-Control", "no-store");
          const nowSeconds = Math.floor(Date.now() / 1000);
          const from = changesFrom(ctx.query?.since, nowSeconds);
          const list = await cacheFor(from, nowSeconds).get(() => buildList(ctx, from));
          return ctx.json({ list });
        },
      ),
    },
    hooks: {
      before: [
        {
          // Deleting an organization deletes its members: note who they were first.
          matcher: (ctx) => ctx.path === "/organization/delete",
          handler: createAuthMiddleware(async (ctx) => {
            const organizationId = (ctx.body as { organizationId?: unknown } | undefined)
              ?.organizationId;
            if (typeof organizationId !== "string") return;
            const members = await everyRow<{ userId: string }>(ctx.context.adapter, "member", [
              { field: "organizationId", value: organizationId },
            ]);
            membersOfDeleted.set(
              organizationId,
              members.map((member) => member.userId),
            );
          }),
        },
        {
          // Better Auth's sign-out clears the cookie and answers success even when the session
          // could not be ended. With a session store, its copy goes first, here: if the store
          // cannot be reached, the answer says so and the session stays whole (cookie included),
          // so the person can sign out again instead of leaving a session that still works.
          matcher: (ctx) => ctx.path === "/sign-out" && sessionStore !== undefined,
          handler: createAuthMiddleware(async (ctx) => {
            const { name } = ctx.context.authCookies.sessionToken;
            const token = await ctx.getSignedCookie(name, ctx.context.secret);
            if (!token) return;
            try {
              await sessionStore?.delete(token);
            } catch (error) {
              console.error(`revocations: a session could not be ended: ${String(error)}`);
              throw new APIError("SERVICE_UNAVAILABLE", {
                message: "Signing out failed for a moment: try again",
              });
            }
          }),
        },
      ],
      after: [
        {
          // A member's roles or membership changed (lib/auth/organizations.ts): the tokens they
          // hold name the old ones, so their claims version goes up. After the change, so that
          // a token made meanwhile has the new claims (refused at worst, never the old ones let in).
          matcher: (ctx) => ORGANIZATION_CHANGES.has(ctx.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const returned = ctx.context.returned;
            const members = changedMembers(ctx, returned);
            if (returned instanceof Error || returned instanceof Response) return;
            for (const userId of members) {
              await raiseClaimsVersion(ctx.context, userId);
            }
          }),
        },
        {
          // Better Auth ends the first 100 other sessions (its query limit); this ends the rest.
          // The first one's delete hook listed them all; they are listed again (only those left)
          // so that one started since then is not ended unlisted.
          matcher: (ctx) => ctx.path === "/revoke-other-sessions",
          handler: createAuthMiddleware(async (ctx) => {
            if (ctx.context.returned instanceof Error) return;
            const current = await getSessionFromCtx(ctx);
            if (!current) return;
            const adapter = await getCurrentAdapter(ctx.context.adapter);
            const { id, userId } = current.session;
            await recordAllSessionsOf(adapter, userId, id);
            await adapter.deleteMany({
              model: "session",
              where: [
                { field: "userId", value: userId },
                { field: "id", operator: "ne", value: id },
              ],
            });
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
