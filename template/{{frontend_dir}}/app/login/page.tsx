import { Card, PageTitle } from "@/components/ui";
import { safeReturnUrl } from "@/lib/navigation";
import { LoginForm } from "./login-form";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ returnUrl?: string | string[] }>;
}) {
  const { returnUrl } = await searchParams;
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle lead="Welcome back.">Sign in</PageTitle>
      <Card>
        <LoginForm returnUrl={safeReturnUrl(returnUrl)} />
      </Card>
    </div>
  );
}
