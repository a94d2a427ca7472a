import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { PageTitle, secondaryButtonStyle } from "@/components/ui";
import { loginUrl } from "@/lib/navigation";
import { auth } from "@/lib/auth";
import { ApiResults } from "./api-results";
import { SignOutButton } from "./sign-out-button";

export default async function DashboardPage() {
  // The proxy only saw a cookie; this is the real check.
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect(loginUrl("/dashboard"));

  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-x-4">
        <PageTitle lead={`Signed in as ${session.user.email}.`}>
          Hello, {session.user.name}
        </PageTitle>
        <div className="mb-8 flex flex-wrap gap-2">
          <Link href="/sessions" className={secondaryButtonStyle}>
            Sessions and password
          </Link>
          <SignOutButton />
        </div>
      </div>
      <h2 className="mb-4 text-lg font-semibold">What the API says</h2>
      <ApiResults userId={session.user.id} />
    </>
  );
}
