import { Card, PageTitle } from "@/components/ui";
import { safeReturnUrl } from "@/lib/navigation";
import { LoginForm } from "./login-form";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ returnUrl?: string | string[]; reset?: string | string[] }>;
}) {
  const { returnUrl, reset } = await searchParams;
  const next = safeReturnUrl(returnUrl);
  // A confirmation link that failed leads to the dashboard with Better Auth's `error`.
  const linkFailed = new URL(next, "http://localhost").searchParams.has("error");
  const lead =
    reset === "done"
      ? "Your password is changed: sign in with the new one."
      : linkFailed
        ? "That confirmation link has expired or is not valid: sign in to get a new one."
        : "Welcome back.";
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle lead={<span role="status">{lead}</span>}>Sign in</PageTitle>
      <Card>
        <LoginForm returnUrl={next} />
      </Card>
    </div>
  );
}
