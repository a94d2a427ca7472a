import { connection } from "next/server";
import { Card, PageTitle } from "@/components/ui";
import { emailVerification } from "@/lib/config";
import { SignupForm } from "./signup-form";

export default async function SignupPage() {
  // Rendered for each request: EMAIL_VERIFICATION is read where the site runs, not where it was built.
  await connection();
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle lead="It takes a name, an email and a password.">Create an account</PageTitle>
      <Card>
        <SignupForm confirmFirst={emailVerification === "required"} />
      </Card>
    </div>
  );
}
