import { Card, PageTitle } from "@/components/ui";
import { safeReturnUrl } from "@/lib/navigation";
import { TwoFactorForm } from "./two-factor-form";

export default async function TwoFactorPage({
  searchParams,
}: {
  searchParams: Promise<{ returnUrl?: string | string[] }>;
}) {
  const { returnUrl } = await searchParams;
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle lead="Your password was right. Now the code your authenticator app shows.">
        Two-factor sign-in
      </PageTitle>
      <Card>
        <TwoFactorForm returnUrl={safeReturnUrl(returnUrl)} />
      </Card>
    </div>
  );
}
