import { Card, PageTitle } from "@/components/ui";
import { ExpiredLink } from "./expired-link";
import { ResetPasswordForm } from "./reset-password-form";

/**
 * Reached from the mailed link: Better Auth checked it and adds `token`, or `error` if it failed.
 * `claim` marks the link mailed when someone signed up with an unconfirmed account's address
 * (lib/auth/sign-ups.ts): the inbox's holder chooses the account's first password of their own.
 */
export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{
    token?: string | string[];
    error?: string | string[];
    claim?: string | string[];
  }>;
}) {
  const { token, claim } = await searchParams;
  const linkWorks = typeof token === "string" && token !== "";
  const lead = claim
    ? "The account of this address is yours: choose its password, then sign in with it."
    : "Then sign in with it.";
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle lead={linkWorks ? lead : undefined}>
        {claim ? "Choose your password" : "Choose a new password"}
      </PageTitle>
      <Card>{linkWorks ? <ResetPasswordForm token={token} /> : <ExpiredLink />}</Card>
    </div>
  );
}
