import { Card, PageTitle } from "@/components/ui";
import { ExpiredLink } from "./expired-link";
import { ResetPasswordForm } from "./reset-password-form";

/** Reached from the mailed link: Better Auth checked it and adds `token`, or `error` if it failed. */
export default async function ResetPasswordPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[]; error?: string | string[] }>;
}) {
  const { token } = await searchParams;
  const linkWorks = typeof token === "string" && token !== "";
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle lead={linkWorks ? "Then sign in with it." : undefined}>
        Choose a new password
      </PageTitle>
      <Card>{linkWorks ? <ResetPasswordForm token={token} /> : <ExpiredLink />}</Card>
    </div>
  );
}
