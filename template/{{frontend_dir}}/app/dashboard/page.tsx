import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { loginUrl } from "@/lib/api-client";
import { auth } from "@/lib/auth";
import { ApiResults } from "./api-results";
import { SignOutButton } from "./sign-out-button";

export default async function DashboardPage() {
  // The proxy only saw a cookie; this is the real check.
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect(loginUrl("/dashboard"));

  return (
    <>
      <h1>Hello, {session.user.name}</h1>
      <p>
        Signed in as {session.user.email}. <SignOutButton />
      </p>
      <h2>What the API says</h2>
      <ApiResults userId={session.user.id} />
    </>
  );
}
