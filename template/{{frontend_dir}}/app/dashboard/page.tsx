import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { OrganizationSwitcher } from "@/components/organization-switcher";
import { ResendVerification } from "@/components/resend-verification";
import { PageTitle, secondaryButtonStyle } from "@/components/ui";
import { auth } from "@/lib/auth";
import { emailVerification } from "@/lib/config";
import { loginUrl } from "@/lib/navigation";
import { ApiResults } from "./api-results";
import { SignOutButton } from "./sign-out-button";

/** `error` is Better Auth's, when a confirmation link (whose callback is this page) failed. */
export default async function DashboardPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string | string[] }>;
}) {
  const { error } = await searchParams;
  const linkFailed = error !== undefined;
  // The proxy only saw a cookie; this is the real check.
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) {
    redirect(
      loginUrl(linkFailed ? `/dashboard?error=${encodeURIComponent(String(error))}` : "/dashboard"),
    );
  }

  const askToConfirm = emailVerification !== "off" && !session.user.emailVerified;
  // With organizations, the session's active one: the API's {org_id} endpoints are called for it.
  const { activeOrganizationId } = session.session as { activeOrganizationId?: string | null };

  return (
    <>
      {askToConfirm && (
        <aside
          aria-label="Confirm your email"
          className="mb-8 space-y-3 rounded-xl border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
        >
          <p>
            {linkFailed
              ? "That confirmation link has expired or is not valid. Ask for a new one, mailed to "
              : "Please confirm your email: follow the link we mailed to "}
            <strong className="wrap-anywhere">{session.user.email}</strong>.
          </p>
          <ResendVerification email={session.user.email} />
        </aside>
      )}
      <div className="flex flex-wrap items-start justify-between gap-x-4">
        <PageTitle lead={`Signed in as ${session.user.email}.`}>
          {/* A provider may share no name: then the address greets. */}
          Hello, {session.user.name || session.user.email}
        </PageTitle>
        <div className="mb-8 flex flex-wrap gap-2">
          <OrganizationSwitcher />
          <Link href="/sessions" className={secondaryButtonStyle}>
            Sessions and password
          </Link>
          <SignOutButton />
        </div>
      </div>
      <h2 className="mb-4 text-lg font-semibold">What the API says</h2>
      <ApiResults userId={session.user.id} organizationId={activeOrganizationId ?? null} />
    </>
  );
}
