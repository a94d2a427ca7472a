import { connection } from "next/server";
import { Card, PageTitle } from "@/components/ui";
import { ProviderButtons } from "@/components/provider-buttons";
import { providers } from "@/lib/auth";
import { providerButtons } from "@/lib/auth/providers/setup";
import { emailVerification } from "@/lib/config";
import { SignupForm } from "./signup-form";

export default async function SignupPage() {
  // Rendered for each request: EMAIL_VERIFICATION is read where the site runs, not where it was built.
  await connection();
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle
        lead={
          providers.length > 0
            ? "Continue with an account you have, or give a name, an email and a password."
            : "It takes a name, an email and a password."
        }
      >
        Create an account
      </PageTitle>
      <Card>
        <div className="space-y-5">
          <ProviderButtons
            providers={providerButtons(providers)}
            returnUrl="/dashboard"
            errorPage="/login"
          />
          <SignupForm confirmFirst={emailVerification === "required"} />
        </div>
      </Card>
    </div>
  );
}
