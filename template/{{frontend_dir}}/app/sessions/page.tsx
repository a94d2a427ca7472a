import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Card, PageTitle, linkStyle, secondaryButtonStyle } from "@/components/ui";
import { auth, providers } from "@/lib/auth";
import { describeMethods } from "@/lib/auth/authentication-methods";
import { describeDevice } from "@/lib/devices";
import { liveSessionsOf } from "@/lib/auth/sessions";
import { describeProviderError } from "@/lib/forms/provider-errors";
import { loginUrl } from "@/lib/navigation";
import { SignOutButton } from "../dashboard/sign-out-button";
import { endSession, signOutEverywhere } from "./actions";
import { ChangePasswordForm } from "./change-password-form";
import { Passkeys } from "./passkeys";
import { SecondFactor } from "./second-factor";
import { type SignInMethod, SignInMethods } from "./sign-in-methods";

const when = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export default async function SessionsPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string | string[] }>;
}) {
  const requestHeaders = await headers();
  const current = await auth.api.getSession({ headers: requestHeaders });
  if (!current) redirect(loginUrl("/sessions"));
  const sessions = await liveSessionsOf(current.user.id);
  const accounts = await auth.api.listUserAccounts({ headers: requestHeaders });
  const linked = new Map(accounts.map((account) => [account.providerId, account.id]));
  const hasPassword = linked.has("credential");
  const methods: SignInMethod[] = [
    {
      id: "credential",
      name: "Email and password",
      accountId: linked.get("credential"),
      missing: [],
    },
    ...providers.map(({ provider, missing }) => ({
      id: provider.id,
      name: provider.name,
      accountId: linked.get(provider.id),
      missing: linked.has(provider.id) ? [] : missing,
    })),
  ];
  // Linking a provider that fails comes back here with its `error`.
  const { error } = await searchParams;
  const linkFailed = describeProviderError(typeof error === "string" ? error : undefined);
  // This device first, then the most recently active.
  sessions.sort(
    (a, b) =>
      Number(b.id === current.session.id) - Number(a.id === current.session.id) ||
      new Date(b.updatedAt).getTime() - new Date(a.updatedAt).getTime(),
  );

  return (
    <>
      <PageTitle lead="Where you are signed in. Ending a session signs that device out, and its API tokens stop working within seconds.">
        Sessions and password
      </PageTitle>
      <p className="-mt-4 mb-8">
        <Link href="/dashboard" className={linkStyle}>
          Back to the dashboard
        </Link>
      </p>
      <h2 className="mb-4 text-lg font-semibold">Signed-in devices</h2>
      <ul className="mb-6 space-y-3" aria-label="Signed-in devices">
        {sessions.map((session) => {
          const thisDevice = session.id === current.session.id;
          return (
            <li key={session.id} data-session={thisDevice ? "current" : "other"}>
              <Card>
                <div className="flex flex-wrap items-center justify-between gap-4">
                  <div className="min-w-0 space-y-1">
                    <p className="font-medium">
                      {describeDevice(session.userAgent)}
                      {thisDevice && (
                        <span className="ml-2 rounded-full bg-indigo-100 px-2 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200">
                          This device
                        </span>
                      )}
                    </p>
                    <p className="text-sm text-zinc-600 dark:text-zinc-400">
                      {session.ipAddress || "Address unknown"} · signed in with{" "}
                      {describeMethods(session.amr)} on{" "}
                      <time dateTime={new Date(session.createdAt).toISOString()}>
                        {when.format(new Date(session.createdAt))}
                      </time>
                      , last active{" "}
                      <time dateTime={new Date(session.updatedAt).toISOString()}>
                        {when.format(new Date(session.updatedAt))}
                      </time>
                    </p>
                  </div>
                  {thisDevice ? (
                    <SignOutButton />
                  ) : (
                    <form action={endSession.bind(null, session.id)}>
                      <button type="submit" className={secondaryButtonStyle}>
                        End session
                        <span className="sr-only"> on {describeDevice(session.userAgent)}</span>
                      </button>
                    </form>
                  )}
                </div>
              </Card>
            </li>
          );
        })}
      </ul>
      <form action={signOutEverywhere} className="mb-10">
        <button type="submit" className={secondaryButtonStyle}>
          Sign out everywhere
        </button>
      </form>
      {methods.length > 1 && (
        <>
          <h2 className="mb-4 text-lg font-semibold">Ways to sign in</h2>
          {linkFailed && (
            <p role="alert" className="mb-4 text-sm text-red-700 dark:text-red-400">
              {linkFailed}
            </p>
          )}
          <div className="mb-10">
            <SignInMethods methods={methods} />
          </div>
        </>
      )}
      <Passkeys />
      <SecondFactor
        enabled={(current.user as { twoFactorEnabled?: boolean | null }).twoFactorEnabled === true}
        hasPassword={hasPassword}
      />
      <h2 className="mb-4 text-lg font-semibold">Change your password</h2>
      <Card>
        {hasPassword ? (
          <ChangePasswordForm />
        ) : (
          <p className="text-sm">
            You sign in with a provider only. To sign in with a password too, set one with{" "}
            <Link href="/forgot-password" className={linkStyle}>
              a link by mail
            </Link>
            .
          </p>
        )}
      </Card>
    </>
  );
}
