import { Card, PageTitle } from "@/components/ui";
import { PasskeySignIn } from "@/components/passkey-sign-in";
import { ProviderButtons } from "@/components/provider-buttons";
import { providers } from "@/lib/auth";
import { providerButtons } from "@/lib/auth/providers/setup";
import { describeProviderError } from "@/lib/forms/provider-errors";
import { safeReturnUrl } from "@/lib/navigation";
import { LoginForm } from "./login-form";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{
    returnUrl?: string | string[];
    reset?: string | string[];
    error?: string | string[];
  }>;
}) {
  const { returnUrl, reset, error } = await searchParams;
  const next = safeReturnUrl(returnUrl);
  // A confirmation link that failed leads to the dashboard with Better Auth's `error`.
  const linkFailed = new URL(next, "http://localhost").searchParams.has("error");
  // A sign-in provider that failed, or was cancelled, comes back here with its `error`.
  const providerFailed = describeProviderError(typeof error === "string" ? error : undefined);
  const lead =
    providerFailed ??
    (reset === "done"
      ? "Your password is changed: sign in with the new one."
      : linkFailed
        ? "That confirmation link has expired or is not valid: sign in to get a new one."
        : "Welcome back.");
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle lead={<span role="status">{lead}</span>}>Sign in</PageTitle>
      <Card>
        <div className="space-y-5">
          <ProviderButtons
            providers={providerButtons(providers)}
            returnUrl={next}
            errorPage="/login"
          />
          <PasskeySignIn returnUrl={next} />
          <LoginForm returnUrl={next} />
        </div>
      </Card>
    </div>
  );
}
