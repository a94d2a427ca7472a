import { safeReturnUrl } from "@/lib/api-client";
import { LoginForm } from "./login-form";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ returnUrl?: string | string[] }>;
}) {
  const { returnUrl } = await searchParams;
  return (
    <>
      <h1>Sign in</h1>
      <LoginForm returnUrl={safeReturnUrl(returnUrl)} />
    </>
  );
}
